"""The built-in entity kinds, registered in the order `extract` reports them."""

from assist.extract.addresses import AddressFinder
from assist.extract.emails import EmailFinder
from assist.extract.phones import PhoneFinder
from assist.extract.registry import register

register(PhoneFinder())
register(AddressFinder())
register(EmailFinder())
