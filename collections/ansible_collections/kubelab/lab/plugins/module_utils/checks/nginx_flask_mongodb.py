"""Exercise nginx_flask_mongodb: the Compose project migrated, each service a Deployment and a Service."""

from __future__ import annotations

from ansible_collections.kubelab.lab.plugins.module_utils.checks.rules import (
    Check,
    ClaimBound,
    Provisioned,
    RolledOut,
    Running,
    Section,
    Serves,
)

NGINX = Running("nginx")
FLASK = Running("flask-app")
MONGO = Running("mongo")


def proxies_to_flask(texts: list[str]) -> str | None:
    if any("proxy_pass" in text and "flask-app:9090" in text for text in texts):
        return None
    return "no file proxies to http://flask-app:9090 (proxy_pass)"


SECTION = Section("nginx_flask_mongodb", "nginx_flask_mongodb: Compose to Kubernetes", (
    Check("nginx", "nginx is rolled out", RolledOut(NGINX)),
    Check("flask-app", "The Flask app is rolled out", RolledOut(FLASK)),
    Check("mongo", "MongoDB is rolled out", RolledOut(MONGO)),
    Check("nginx-conf", "nginx reads its proxy configuration from a ConfigMap at /etc/nginx/conf.d",
          Provisioned(NGINX, "/etc/nginx/conf.d", proxies_to_flask)),
    Check("mongo-data", "MongoDB keeps its data on a Bound PersistentVolumeClaim", ClaimBound(MONGO)),
    Check("nginx-service", "A Service on 80 reaches nginx", Serves(NGINX, 80, 80)),
    Check("flask-service", "Service flask-app reaches the app on 9090", Serves(FLASK, 9090, 9090, name="flask-app")),
    Check("mongo-service", "Service mongo reaches MongoDB on 27017", Serves(MONGO, 27017, 27017, name="mongo")),
), needs=("registry",))
