"""A do-nothing Django project: the fixed reference the HTTP figures are divided by."""
