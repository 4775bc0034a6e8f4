"""Placeholder (being written)."""


class JobManager:
    def __init__(self, settings, db_path) -> None:
        self.settings, self.db_path = settings, db_path

    def shutdown(self) -> None:
        return None
