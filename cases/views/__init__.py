"""Browser pages for survivors, consents and cases."""
