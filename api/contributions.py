"""What the API adds to lower layers (tracker/contributions.py): its section of the menu."""

from api.audit_actions import ApiAction
from tracker.contributions import AUDIT_ACTIONS, MENU, MenuEntry, contribute

contribute(MENU)(MenuEntry("API keys", "api:keys", 130))

contribute(AUDIT_ACTIONS)(ApiAction)
