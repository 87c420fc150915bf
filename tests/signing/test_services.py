"""Issuing and correcting signed results: the document, the dossier, the audit trail."""

from __future__ import annotations

import pytest

from motcua.audit.models import AuditEvent
from motcua.dossiers.models import DossierEvent, Status
from motcua.signing import services
from motcua.signing.models import ResultTemplate, SignedResult
from motcua.signing.services import SigningError, correct_result, issue_result
from motcua.signing.verify import verify_pdf
from tests.factories import DossierFactory
from tests.signing.conftest import World

pytestmark = pytest.mark.django_db


def test_it_issues_a_signed_result_recorded_on_the_dossier(world: World) -> None:
    dossier = world.dossier
    version_before = dossier.version
    result = issue_result(dossier, actor=world.erin)

    assert bytes(result.pdf).startswith(b"%PDF-")
    assert result.version == 1 and result.code == f"{dossier.code}-KQ1-V1"
    assert result.signer_subject == "Xã Một"
    dossier.refresh_from_db()
    assert dossier.has_result_file
    assert dossier.results == [
        {
            "TenGiayTo": "Kết quả giải quyết thủ tục hành chính",
            "MaGiayToKetQua": f"{dossier.code}-KQ1",
            "DuongDanTepTinKetQua": f"/ket-qua/{result.public_token}/tai-ve.pdf",
        }
    ]
    event = dossier.events.get(seq=version_before + 1)
    assert event.kind == DossierEvent.Kind.UPDATED and event.source == "signing"
    assert event.actor_label == "erin"
    assert event.changes["has_result_file"] == [False, True]
    audit = AuditEvent.objects.get(action="signing.issue")
    assert audit.object_id == str(result.pk) and audit.data["dossier"] == dossier.code


def test_the_signature_verifies_and_names_the_unit(world: World) -> None:
    result = issue_result(world.dossier, actor=world.erin)
    verdict = verify_pdf(bytes(result.pdf))
    assert verdict.ok, verdict.problems
    assert verdict.signer == "Xã Một"
    assert verdict.result == result and verdict.is_current


def test_a_retried_issue_returns_the_same_result(world: World) -> None:
    first = issue_result(world.dossier, actor=world.erin)
    again = issue_result(world.dossier, actor=world.erin)
    assert again.pk == first.pk
    assert SignedResult.objects.count() == 1
    assert AuditEvent.objects.filter(action="signing.issue").count() == 1


def test_the_procedure_template_gives_the_title_and_body(world: World) -> None:
    ResultTemplate.objects.create(
        procedure=world.dossier.procedure,
        title="Giấy phép xây dựng",
        body="<p>Cấp cho {{ applicant_name }} tại {{ unit.name }}.</p>",
    )
    result = issue_result(world.dossier, actor=world.erin)
    assert result.title == "Giấy phép xây dựng"
    assert world.dossier.results[0]["TenGiayTo"] == "Giấy phép xây dựng"


def test_a_correction_is_a_new_signed_version_and_the_old_one_stays(world: World) -> None:
    first = issue_result(world.dossier, actor=world.erin)
    second = correct_result(first, actor=world.erin, reason="Sai họ tên người nhận")

    assert (second.version, second.replaces_id) == (2, first.pk)
    assert second.code == f"{world.dossier.code}-KQ1-V2"
    assert second.sha256 != first.sha256
    first.refresh_from_db()
    assert not first.is_current and first.superseded_by == second
    assert second.is_current
    dossier = world.dossier
    dossier.refresh_from_db()
    assert [r["DuongDanTepTinKetQua"] for r in dossier.results] == [
        f"/ket-qua/{second.public_token}/tai-ve.pdf"
    ]
    old = verify_pdf(bytes(first.pdf))
    assert old.ok and old.is_current is False and old.current_code == second.code
    audit = AuditEvent.objects.get(action="signing.correct")
    assert audit.data["replaces"] == first.code
    assert audit.data["reason"] == "Sai họ tên người nhận"


def test_only_the_current_version_can_be_corrected(world: World) -> None:
    first = issue_result(world.dossier, actor=world.erin)
    correct_result(first, actor=world.erin, reason="Sai ngày")
    with pytest.raises(SigningError, match="đính chính trước đó"):
        correct_result(first, actor=world.erin, reason="Sai lần nữa")
    assert SignedResult.objects.count() == 2


def test_a_correction_needs_a_reason(world: World) -> None:
    first = issue_result(world.dossier, actor=world.erin)
    with pytest.raises(SigningError, match="lý do"):
        correct_result(first, actor=world.erin, reason="  ")


def test_an_officer_of_another_unit_cannot_issue(world: World) -> None:
    with pytest.raises(SigningError, match="không có quyền"):
        issue_result(world.dossier, actor=world.frank)
    assert not SignedResult.objects.exists()
    world.dossier.refresh_from_db()
    assert not world.dossier.has_result_file


def test_a_refused_dossier_gets_no_result(world: World) -> None:
    refused = DossierFactory(refused=True, unit=world.cast.c1)
    assert refused.status == Status.REFUSED
    with pytest.raises(SigningError, match="không ban hành kết quả"):
        issue_result(refused, actor=world.erin)


def test_a_unit_without_certificate_uses_the_province_wide_one(world: World) -> None:
    world.cast.c1.signing_credential.delete()
    result = issue_result(world.dossier, actor="desk")
    assert result.signer_subject == "Tỉnh P"


def test_without_any_certificate_it_refuses_and_writes_nothing(world: World) -> None:
    from motcua.signing.models import SigningCredential

    SigningCredential.objects.all().delete()
    version = world.dossier.version
    with pytest.raises(SigningError, match="chưa có chứng thư"):
        issue_result(world.dossier, actor="desk")
    world.dossier.refresh_from_db()
    assert (
        world.dossier.version == version
        and not AuditEvent.objects.filter(action__startswith="signing.issue").exists()
    )


def test_download_path_uses_the_public_token(world: World) -> None:
    result = issue_result(world.dossier, actor=world.erin)
    assert services.download_path(result) == f"/ket-qua/{result.public_token}/tai-ve.pdf"
    assert result.public_token.startswith("k") and len(result.public_token) > 40
