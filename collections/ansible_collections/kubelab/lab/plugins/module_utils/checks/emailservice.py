"""The tutorial itself: the Pod, the emailservice Deployment and its rollout, its Secret, ConfigMap and Services."""

from __future__ import annotations

from ansible_collections.kubelab.lab.plugins.module_utils.checks.rules import (
    Check,
    History,
    Mounted,
    Named,
    NodePort,
    PodUp,
    RolledOut,
    Running,
    SecretEnv,
    Section,
    Serves,
    Tag,
)

DEPLOYMENT = Running("emailservice", name="emailservice-deployment-demo")
SECRET = "emailservice-user-pass"

SECTION = Section("emailservice", "The tutorial: Pod, Deployment, Secret, ConfigMap, Services", (
    Check("pod", "Pod emailservice-pod-test runs with the tutorial's labels",
          PodUp(Named("Pod", "emailservice-pod-test"),
                {"project": "online-boutique", "env": "prod", "release": "v0.7.0-stable"})),
    Check("deployment", "A Deployment of 3 emailservice replicas is rolled out", RolledOut(DEPLOYMENT, 3)),
    Check("version", "It runs emailservice v0.8.0", Tag(DEPLOYMENT, "v0.8.0")),
    Check("history", "Its rollout history holds v0.7.0, then v0.8.0", History(DEPLOYMENT, ("v0.7.0", "v0.8.0"))),
    Check("secret-env", f"It reads Secret {SECRET} as environment variables", SecretEnv(DEPLOYMENT, SECRET)),
    Check("secret-volume", f"It mounts Secret {SECRET} at /etc/secret-volume",
          Mounted(DEPLOYMENT, "secret", SECRET, "/etc/secret-volume")),
    Check("configmap", "It mounts ConfigMap email-templates at /email_server/templates",
          Mounted(DEPLOYMENT, "configMap", "email-templates", "/email_server/templates")),
    Check("service", "Service my-emailservice reaches its pods on 8080",
          Serves(DEPLOYMENT, 8080, 8080, name="my-emailservice")),
    Check("nodeport", "Service my-emailservice-external is a NodePort in your block",
          NodePort(Named("Service", "my-emailservice-external"))),
))
