"""Modal screens: the forms that turn an operator's words into events, help, and details."""
