import pytest
from django.contrib.auth.models import Group, User

from motcua.accounts.roles import (
    GROUP_NAMES,
    ROLE_CAPABILITIES,
    Capability,
    Role,
    capabilities_of,
    has_capability,
    roles_of,
)
from motcua.accounts.services import grant


@pytest.mark.django_db
def test_the_five_role_groups_exist_after_migrating() -> None:
    names = set(Group.objects.values_list("name", flat=True))
    assert set(GROUP_NAMES.values()) <= names
    assert len(GROUP_NAMES) == 5


C = Capability
MATRIX = [
    (Role.ADMINISTRATOR, C.MANAGE_API_KEYS, True),
    (Role.ADMINISTRATOR, C.UNMASK_PII, True),
    (Role.PROVINCE_MONITOR, C.VIEW_INDICATORS, True),
    (Role.PROVINCE_MONITOR, C.IMPORT_DOSSIERS, True),
    (Role.PROVINCE_MONITOR, C.MANAGE_CAMPAIGNS, True),
    (Role.PROVINCE_MONITOR, C.UNMASK_PII, False),
    (Role.PROVINCE_MONITOR, C.MANAGE_API_KEYS, False),
    (Role.UNIT_LEADER, C.VIEW_DOSSIERS, True),
    (Role.UNIT_LEADER, C.UNMASK_PII, False),
    (Role.UNIT_LEADER, C.PROCESS_DOSSIERS, False),
    (Role.ONE_STOP_OFFICER, C.RECEIVE_DOSSIERS, True),
    (Role.ONE_STOP_OFFICER, C.UNMASK_PII, True),
    (Role.ONE_STOP_OFFICER, C.PROCESS_DOSSIERS, False),
    (Role.PROCESSING_OFFICER, C.PROCESS_DOSSIERS, True),
    (Role.PROCESSING_OFFICER, C.IMPORT_DOSSIERS, False),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "capability", "allowed"), MATRIX)
def test_role_capabilities(role: Role, capability: Capability, allowed: bool) -> None:
    user = User.objects.create_user("canbo")
    grant(user, role)
    assert has_capability(User.objects.get(pk=user.pk), capability) is allowed


@pytest.mark.django_db
def test_capabilities_are_the_union_over_roles_and_superusers_have_all() -> None:
    user = User.objects.create_user("hai-vai-tro")
    grant(user, Role.UNIT_LEADER)
    grant(user, Role.ONE_STOP_OFFICER)
    fresh = User.objects.get(pk=user.pk)
    assert roles_of(fresh) == {Role.UNIT_LEADER, Role.ONE_STOP_OFFICER}
    expected = ROLE_CAPABILITIES[Role.UNIT_LEADER] | ROLE_CAPABILITIES[Role.ONE_STOP_OFFICER]
    assert capabilities_of(fresh) == expected
    boss = User.objects.create_superuser("sep", password="x-very-long-password-1")
    assert capabilities_of(boss) == frozenset(Capability)


@pytest.mark.django_db
def test_inactive_and_anonymous_users_can_do_nothing() -> None:
    from django.contrib.auth.models import AnonymousUser

    user = User.objects.create_user("nghi-viec", is_active=False)
    grant(user, Role.ADMINISTRATOR)
    assert capabilities_of(User.objects.get(pk=user.pk)) == frozenset()
    assert capabilities_of(AnonymousUser()) == frozenset()


@pytest.mark.django_db
def test_roles_are_read_once_per_user_object(django_assert_num_queries) -> None:
    user = User.objects.create_user("mot-lan")
    grant(user, Role.UNIT_LEADER)
    fresh = User.objects.get(pk=user.pk)
    with django_assert_num_queries(1):
        for capability in Capability:
            has_capability(fresh, capability)
