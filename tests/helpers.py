from django.test import Client


def client_for(user, **kwargs) -> Client:
    """A test client logged in as `user`."""
    client = Client(**kwargs)
    client.force_login(user)
    return client
