"""The demo signs for real: every demo unit gets a certificate, and the demo officer can
issue a result that verifies against the demo authority (docs/signing.md)."""

import time

from django.contrib.auth.models import User

from motcua.dossiers.models import Dossier, Status
from motcua.signing.credentials import demo_pki
from motcua.signing.models import SigningCredential
from motcua.signing.services import issue_result
from motcua.signing.verify import verify_pdf
from motcua.units.models import Unit


def test_demo_pki_covers_the_demo_province_and_its_officer_signs(demo, db) -> None:
    started = time.perf_counter()
    summary = demo_pki()
    seconds = time.perf_counter() - started
    units = Unit.objects.filter(valid_to__isnull=True).count()
    assert summary.issued == units + 1 == SigningCredential.objects.count()
    assert seconds < 60, f"demo-pki took {seconds:.1f} s for {units} units"

    officer = User.objects.get(username="chuyenvien")  # processing officer at H67.11
    dossier = Dossier.objects.filter(unit__code="H67.11", status=Status.PROCESSING).first()
    assert dossier is not None
    result = issue_result(dossier, actor=officer)
    verdict = verify_pdf(bytes(result.pdf))
    assert verdict.ok and verdict.signer == dossier.unit.name
