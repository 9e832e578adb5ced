"""Running the task force: MOUs, committees and meetings, trainings and outreach, volunteers.

Models live in ``partners.operations.models`` (imported by ``partners.models``, so
their app label is ``partners``); writes in ``services``, reads in ``selectors``,
who-may-what in ``access``.
"""
