"""motcua: one-stop administrative procedures and the performance platform on top of them."""
