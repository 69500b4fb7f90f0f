"""The door QR code: our prefix and the registration's random token, nothing personal."""
import io

import qrcode
import qrcode.image.svg

#: tells the door scanner a code is ours before it looks the token up
PAYLOAD_PREFIX = "FISEV1:"


def qr_payload(registration):
    return PAYLOAD_PREFIX + registration.qr_token


def _qr(payload):
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4, box_size=10)
    code.add_data(payload)
    code.make(fit=True)
    return code


def qr_png(registration):
    buffer = io.BytesIO()
    _qr(qr_payload(registration)).make_image().save(buffer, format="PNG")
    return buffer.getvalue()


def qr_svg(registration):
    buffer = io.BytesIO()
    _qr(qr_payload(registration)).make_image(image_factory=qrcode.image.svg.SvgPathImage).save(buffer)
    return buffer.getvalue()
