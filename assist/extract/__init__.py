"""Entities in live transcripts (RU/EN, digits or words): one registered finder per kind."""

from assist.extract.addresses import AddressMatch, find_addresses, normalise_address
from assist.extract.emails import EmailMatch, find_emails
from assist.extract.extractor import CallExtractor, extract
from assist.extract.numbers import spoken_to_digits
from assist.extract.phones import PhoneMatch, find_phones
from assist.extract.registry import (
    EntityFinder,
    FindContext,
    Found,
    entity_label,
    finder,
    finders,
    kinds,
    mask_entity,
    register,
)

__all__ = [
    "AddressMatch",
    "CallExtractor",
    "EmailMatch",
    "EntityFinder",
    "FindContext",
    "Found",
    "PhoneMatch",
    "entity_label",
    "extract",
    "find_addresses",
    "find_emails",
    "find_phones",
    "finder",
    "finders",
    "kinds",
    "mask_entity",
    "normalise_address",
    "register",
    "spoken_to_digits",
]
