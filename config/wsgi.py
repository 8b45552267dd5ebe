import os

from django.core.wsgi import get_wsgi_application

from crm.core.runtime import tune_garbage_collector

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
tune_garbage_collector()  # after the apps and URLconf are loaded
