from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SandboxGatewayConfig(AppConfig):
    name = "motcua.sandboxgateway"
    label = "sandboxgateway"
    verbose_name = _("Cổng thanh toán thử nghiệm")

    def ready(self) -> None:
        from motcua.payments.config import SANDBOX_PREFIX
        from motcua.payments.gateways.vnpay import register_local
        from motcua.sandboxgateway.gateway import answer

        # The VNPay plugin's server-to-server calls to /sandbox/vnpay/… are answered
        # in-process (no HTTP round trip to ourselves).
        register_local(SANDBOX_PREFIX, answer)
