"""Where uploaded images live: the project's media folder, or an S3-compatible bucket.

The bucket is chosen by the variables django-storages users know (AWS_STORAGE_BUCKET_NAME
and the rest); with none set, files stay on the local disk and nothing more is needed.
Each server then reads and writes the same bucket, so a rendition one of them made is
found by all. Credentials are never read here: boto3 takes them from its own variables
(AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY), its config files or the machine's role.
"""

BACKEND = "articles.publishing.library.objectstorage.MediaStorage"


def _value(environ, name):
    return environ.get(name, "").strip() or None


def object_storage(environ):
    """The default storage's STORAGES entry for the bucket ``environ`` names, or None."""
    bucket = _value(environ, "AWS_STORAGE_BUCKET_NAME")
    if not bucket:
        return None
    options = {
        "bucket_name": bucket,
        "endpoint_url": _value(environ, "AWS_S3_ENDPOINT_URL"),
        "region_name": _value(environ, "AWS_S3_REGION_NAME"),
        "custom_domain": _value(environ, "AWS_S3_CUSTOM_DOMAIN"),
        "url_protocol": _value(environ, "AWS_S3_URL_PROTOCOL") or "https:",
        "location": (_value(environ, "AWS_LOCATION") or "").strip("/"),
        "addressing_style": _value(environ, "AWS_S3_ADDRESSING_STYLE"),
        # Plain addresses, never signed ones: renditions and page HTML keep the address
        # they were given, so one that expired after an hour would break every page.
        # Readers reach the files through a CDN or the bucket's own policy instead.
        "querystring_auth": False,
        # No ACL on any object: the bucket's policy (or the CDN's access to it) decides
        # who reads, and buckets that refuse ACLs, AWS's default now, accept the uploads.
        "default_acl": None,
        # A second upload under a taken name gets a name of its own, as on the local disk,
        # rather than replacing the picture another article shows.
        "file_overwrite": False,
    }
    return {"BACKEND": BACKEND, "OPTIONS": options}


def public_base(storage):
    """The address the entry's files are read under, ending in /: what the storage's own
    url() puts before a name (custom domain, else the endpoint by path or the bucket's
    own host on AWS)."""
    options = storage["OPTIONS"]
    location = f"{options['location']}/" if options["location"] else ""
    if options["custom_domain"]:
        return f"{options['url_protocol']}//{options['custom_domain']}/{location}"
    bucket = options["bucket_name"]
    if options["endpoint_url"] and options["addressing_style"] != "virtual":
        return f"{options['endpoint_url'].rstrip('/')}/{bucket}/{location}"
    scheme, _, host = (options["endpoint_url"] or "https://s3.amazonaws.com").partition("://")
    return f"{scheme}://{bucket}.{host.rstrip('/')}/{location}"
