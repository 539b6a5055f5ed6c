"""Validation of Chinese identifiers: mobile numbers (phonenumbers), ID numbers (python-stdnum)."""

import phonenumbers
from stdnum.cn import ric
from stdnum.exceptions import ValidationError


def normalise_mobile(value: str) -> str | None:
    """An 11-digit mainland mobile number, or None when it is not a valid one."""
    digits = value.strip().replace(" ", "").replace("-", "")
    try:
        number = phonenumbers.parse(digits, "CN")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    if phonenumbers.number_type(number) != phonenumbers.PhoneNumberType.MOBILE:
        return None
    return str(number.national_number)


def normalise_id_number(value: str) -> str | None:
    """An 18-character resident ID number with a valid checksum, or None."""
    try:
        return str(ric.validate(value.strip().upper()))
    except ValidationError:
        return None


def mask_id_number(value: str | None) -> str:
    """1403**********1234: shown everywhere an ID number appears."""
    if not value:
        return ""
    return value[:4] + "*" * (len(value) - 8) + value[-4:]
