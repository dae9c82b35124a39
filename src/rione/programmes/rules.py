import rules

from rione.core.permissions import is_city_staff, is_manager

rules.add_perm("programmes.manage_programme", is_manager)
rules.add_perm("programmes.manage_call", is_manager)
rules.add_perm("programmes.publish_call", is_manager)
rules.add_perm("programmes.amend_call", is_manager)
rules.add_perm("programmes.view_call_backoffice", is_city_staff)
