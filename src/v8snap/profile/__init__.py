"""``v8snap profile``: where the launcher's milliseconds go (issue 12 item 4)."""

from v8snap.profile.run import ProfileReport, ProfileRow, profile_app

__all__ = ["ProfileReport", "ProfileRow", "profile_app"]
