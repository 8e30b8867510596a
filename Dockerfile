# Production image: gunicorn serving Django, static files through WhiteNoise.
# The lock files are resolved on Python 3.11, so the image uses the same minor version.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY pyproject.toml README.md ./
COPY requirements/base.txt requirements/base.txt
# Production needs no embedded PostgreSQL: base.txt leaves the [embedded] extra out.
RUN pip install --upgrade pip && pip install -r requirements/base.txt && pip install --no-deps .
COPY . .
RUN DJANGO_SECRET_KEY=build-only DATABASE_URL=postgres://build@localhost/build \
    python manage.py collectstatic --no-input

RUN useradd --system --uid 1000 app && mkdir -p /app/var/exports /app/var/checkpoints && chown -R app /app
USER app
EXPOSE 8000
CMD ["sh", "-c", "DJANGO_DB_ROLE=owner python manage.py migrate --no-input && DJANGO_DB_ROLE=owner python manage.py db_grants && python manage.py seed_policy && exec gunicorn config.wsgi --bind 0.0.0.0:8000 --workers ${WEB_CONCURRENCY:-3} --access-logfile -"]
