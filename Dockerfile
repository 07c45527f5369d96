# Production image: gunicorn serves the site; the same image runs the Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_ENV=production \
    VAR_DIR=/app/var

RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 app

WORKDIR /app
COPY pyproject.toml README.md ./
COPY marketplace ./marketplace
COPY catalog ./catalog
COPY orders ./orders
COPY payments ./payments
COPY logistics ./logistics
COPY support ./support
COPY community ./community
COPY analytics ./analytics
RUN pip install .
COPY . .
RUN python scripts/compile_translations.py \
    && SECRET_KEY=build-only ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput \
    && mkdir -p /app/var && chown -R app:app /app/var

USER app
EXPOSE 8000
CMD ["gunicorn", "marketplace.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
