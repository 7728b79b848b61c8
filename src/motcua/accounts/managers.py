from django.contrib.auth.base_user import BaseUserManager

from .constants import UserKind


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, username, password, **extra):
        if not username:
            raise ValueError("username is required")
        user = self.model(username=username, **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, username, password=None, **extra):
        extra.setdefault("kind", UserKind.CITIZEN)
        return self._create(username, password, **extra)

    def create_superuser(self, username, password=None, **extra):
        extra.update(kind=UserKind.STAFF, is_staff=True, is_superuser=True)
        extra.setdefault("email", username)
        return self._create(username, password, **extra)
