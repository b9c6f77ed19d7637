"""The PySide6 operator client; it imports only the public face of `assist`."""
