"""Front-end files from node_modules: the ones pages load are served, nothing else is."""

import pytest


def test_swagger_ui_files_are_served_from_node_modules(client):
    script = client.get("/assets/swagger-ui-dist/swagger-ui-bundle.js")
    assert script.status_code == 200 and script.mimetype == "text/javascript"
    assert b"SwaggerUIBundle" in script.data
    style = client.get("/assets/swagger-ui-dist/swagger-ui.css")
    assert style.status_code == 200 and style.mimetype == "text/css"
    for answer in (script, style):
        answer.close()  # the files they were read from


@pytest.mark.parametrize(
    "path",
    [
        "/assets/swagger-ui-dist/package.json",
        "/assets/swagger-ui-dist/index.html",
        "/assets/swagger-ui-dist/../axe-core/axe.min.js",
        "/assets/swagger-ui-dist/%2e%2e/axe-core/axe.min.js",
        "/assets/axe-core/axe.min.js",
        "/assets/..%2fpackage.json/x",
        "/assets/swagger-ui-dist/swagger-ui.css%00",
    ],
)
def test_nothing_else_of_node_modules_is_served(client, path):
    assert client.get(path).status_code == 404
