"""An objector's phone: a mainland mobile or a landline (0353-2022100), checked with phonenumbers; masked for staff."""

import phonenumbers

ACCEPTED = {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE,
            phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}
PHONE_ERROR = "请填写有效的手机号码或固定电话（如 13912345678 或 0353-2022100）"


def normalise_phone(value: str) -> str | None:
    """A mobile as its 11 digits, a landline as area code and number (0353-2022100); None when neither.

    Service numbers (400, 95588…) are no way to reach an objector and are refused."""
    text = value.strip()
    if not text or len(text) > 20:
        return None
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        return None
    if number.country_code != 86 or not phonenumbers.is_valid_number(number):
        return None
    kind = phonenumbers.number_type(number)
    if kind not in ACCEPTED:
        return None
    digits = str(number.national_number)
    if kind == phonenumbers.PhoneNumberType.MOBILE:
        return digits
    area = len(digits) - phonenumbers.length_of_geographical_area_code(number)
    return f"0{digits[:-area]}-{digits[-area:]}" if 0 < area < len(digits) else f"0{digits}"


def mask_phone(phone: str) -> str:
    """138****5678 or 0353-***2100: staff pages show an objector's number masked; no number: 未留."""
    if not phone:
        return "未留"
    if "-" in phone:
        area, local = phone.split("-", 1)
        return f"{area}-{'*' * max(len(local) - 4, 0)}{local[-4:]}"
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 7 else "****"
