"""The desktop app's controllers: one composed object per job, typed signals."""
