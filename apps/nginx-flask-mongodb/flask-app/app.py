"""The course's Compose project's backend: a Flask app that answers from MongoDB.

Every visit of / is stored in the `visits` collection of the `app` database
and the answer says how many there were, so a working page proves that the
app reaches MongoDB both ways. /health answers without MongoDB (a readiness
probe that does not depend on the database would hide nothing: it is for the
process itself).
"""

from __future__ import annotations

import os
import socket

from flask import Flask
from pymongo import MongoClient
from pymongo.errors import PyMongoError

MONGO_URL = os.environ.get("MONGO_URL", "mongodb://mongo:27017/")

app = Flask(__name__)
client: MongoClient[dict[str, object]] = MongoClient(MONGO_URL, serverSelectionTimeoutMS=3000)


@app.get("/")
def visits() -> tuple[str, int]:
    try:
        collection = client["app"]["visits"]
        collection.insert_one({"host": socket.gethostname()})
        count = collection.count_documents({})
    except PyMongoError as err:
        return f"MongoDB at {MONGO_URL} is not available: {type(err).__name__}\n", 503
    return f"Hello from {socket.gethostname()}: visit {count}, counted in MongoDB\n", 200


@app.get("/health")
def health() -> str:
    return "ok\n"


if __name__ == "__main__":
    app.run(host=os.environ.get("HOST", "0.0.0.0"), port=int(os.environ.get("PORT", "9090")))
