"""motcua: a one-stop shop platform for online public services."""
