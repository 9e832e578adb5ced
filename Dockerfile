# The application image used by docker-compose.yml (web, worker, beat, migrate).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 TASKFORCE_VAR_DIR=/var/lib/taskforce
WORKDIR /app
COPY pyproject.toml README.md ./
COPY taskforce taskforce
COPY partners partners
COPY cases cases
COPY referrals referrals
COPY reporting reporting
COPY templates templates
COPY locale locale
COPY manage.py ./
RUN pip install --no-cache-dir . \
 && useradd --system --home /app taskforce \
 && mkdir -p /var/lib/taskforce && chown taskforce /var/lib/taskforce
# collectstatic needs settings but no secrets or services.
RUN SECRET_KEY=build-only TASKFORCE_STATIC_ROOT=/app/static python manage.py collectstatic --noinput
ENV TASKFORCE_STATIC_ROOT=/app/static
USER taskforce
EXPOSE 8000
CMD ["gunicorn", "taskforce.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
