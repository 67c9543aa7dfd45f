"""What care homes add to lower layers (tracker/contributions.py): their sections of the menu."""

from homes.audit_actions import HomeAction
from tracker.contributions import AUDIT_ACTIONS, MENU, MenuEntry, contribute

contribute(MENU)(MenuEntry("Care homes", "homes:council_homes", 100))
contribute(MENU)(MenuEntry("CQC sync", "homes:cqc_sync", 140))

contribute(AUDIT_ACTIONS)(HomeAction)
