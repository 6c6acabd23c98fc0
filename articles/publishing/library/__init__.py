"""The image library: each picture stored once, with its alt text, caption, credit and
licence, a focal point its crops centre on, and renditions made once when it is saved.

Articles choose their hero from it, and a body embeds one as ``![alt](image:42)``.
"""
