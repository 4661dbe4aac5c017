# Production image: gunicorn for the web, the same image runs the Celery worker and beat.
FROM python:3.11.13-slim-bookworm

ENV DEBUG=0 \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DPM_VAR_DIR=/app/var

WORKDIR /app
RUN useradd --create-home --uid 10001 dpm

COPY pyproject.toml constraints.txt README.md ./
COPY dpm ./dpm
COPY products ./products
COPY discovery ./discovery
COPY roadmaps ./roadmaps
COPY metrics ./metrics
COPY adoption ./adoption
COPY api ./api
COPY templates ./templates
COPY static ./static
COPY manage.py ./

RUN pip install -c constraints.txt -e . \
 && SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput \
 && mkdir -p /app/var && chown -R dpm /app/var

USER dpm
EXPOSE 8000
# The same bounds as compose's web command (docker-compose.yml says why).
CMD ["gunicorn", "dpm.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--timeout", "60", "--graceful-timeout", "30", "--keep-alive", "5", \
     "--max-requests", "1000", "--max-requests-jitter", "100", "--access-logfile", "-"]
