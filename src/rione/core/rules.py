import rules

from rione.core.permissions import is_any_staff, is_city_admin, is_city_staff, is_manager

rules.add_perm("core.use_backoffice", is_any_staff)
rules.add_perm("core.view_city_backoffice", is_city_staff)
rules.add_perm("core.manage_staff", is_city_admin)
rules.add_perm("core.view_audit", is_manager)
