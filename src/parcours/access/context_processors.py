from parcours.access import scoping
from parcours.access.roles import Perm


def access(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "can_view_audit": scoping.has_perm_somewhere(user, Perm.VIEW_AUDIT),
        "can_manage_users": scoping.has_perm_somewhere(user, Perm.MANAGE_USERS),
        "can_edit_records": scoping.has_perm_somewhere(user, Perm.EDIT_RECORDS),
        "is_partner_only": scoping.is_partner_only(user),
    }
