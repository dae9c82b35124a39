import rules

from rione.core.permissions import is_manager

rules.add_perm("portal.manage_content", is_manager)
