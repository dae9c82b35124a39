"""Who may read the staff dashboards.

The staff dashboard of a call or a programme holds no names, only counts and sums, with
small counts shown as they are: every staff member of the city may read it, as every staff
member may list a call's proposals (``applications.list_proposals``). Other cities get 404.
The public dashboards need no permission: they exist for public calls and programmes only.
"""

import rules

from rione.core.permissions import is_city_staff

rules.add_perm("monitoring.view_dashboard", is_city_staff)
