import rules

from rione.core.permissions import is_city_admin, is_city_staff, is_manager

rules.add_perm("territory.create_city", rules.is_superuser)
rules.add_perm("territory.change_city", is_city_admin)
rules.add_perm("territory.manage_areas", is_city_admin)
rules.add_perm("territory.manage_taxonomies", is_city_admin)
rules.add_perm("territory.manage_sites", is_manager)
rules.add_perm("territory.view_territory", is_city_staff)
