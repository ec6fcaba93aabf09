"""A place of the crawl (see crawler.py)."""
from dataclasses import dataclass, field


@dataclass
class Place:
    """Somewhere the crawl went: how it got there, and what it showed online."""
    path: str
    menu_id: int
    view: str = None          # view type switched to; None for the menu's own view
    record: bool = False      # the first record of that view
    page: str = None          # notebook page of that record
    shown: dict = field(default_factory=dict)

    @property
    def name(self):
        return " › ".join(filter(None, [self.path, self.view, self.record and "first record", self.page]))
