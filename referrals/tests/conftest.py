from referrals.tests.world import world

__all__ = ["world"]
