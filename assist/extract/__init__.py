"""Phone numbers and postal addresses in live transcripts (RU/EN, digits or words)."""

from assist.extract.addresses import AddressMatch, find_addresses
from assist.extract.extractor import CallExtractor, Found, extract, normalise_address
from assist.extract.numbers import spoken_to_digits
from assist.extract.phones import PhoneMatch, find_phones

__all__ = [
    "AddressMatch",
    "CallExtractor",
    "Found",
    "PhoneMatch",
    "extract",
    "find_addresses",
    "find_phones",
    "normalise_address",
    "spoken_to_digits",
]
