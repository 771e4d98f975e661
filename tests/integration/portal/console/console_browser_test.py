#!/usr/bin/python3
"""The admin console in a real browser: Debian's Chromium, headless, driven over WebDriver
(chromedriver, python3-selenium). Starts the real shubbak-portal with its console on loopback
(a throw-away CA made with openssl), sends heartbeats as a kiosk over mutual TLS, and:
signs in, sees the board in Arabic (right to left) and English, sees a kiosk turn red when its
heartbeats stop, issues an enrolment token, is refused with a forged CSRF token and without a
session, finds a transaction kiosk-7 uploaded, verifies its printed receipt (a PNG uploaded
through the form, and the QR text pasted), sees the transaction the portal refused, and finds
the actions in the audit log. Screenshots of every page in both languages go
to OUT_DIR; the reference copies are tests/golden/console/ (compared by content, not pixels:
fonts vary).

usage: console_browser_test.py SHUBBAK_PORTAL OUT_DIR RECEIPT_MAKER
(RECEIPT_MAKER: console_receipt_maker, which makes kiosk-7's signed batch, seal and receipt.)
Every wait is bounded; every process started is stopped by its pid."""

import http.client
import json
import os
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By

PASSWORD = "نافذة-Shubbak 2026"


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def make_pki(d):
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=console test CA",
            cwd=d)
    for name, ext in (("server", "subjectAltName=IP:127.0.0.1,DNS:localhost"),
                      ("kiosk-7", "extendedKeyUsage=clientAuth")):
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", f"/CN={name}", cwd=d)
        with open(os.path.join(d, f"{name}.ext"), "w") as f:
            f.write(ext + "\n")
        openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                "-CAcreateserial", "-out", f"{name}.pem", "-days", "2", "-extfile", f"{name}.ext",
                cwd=d)


def publish_rollout(d):
    """A published tree as `shubbakctl repo publish` lays it out (the console only reads it):
    the clinic at 1.1.0 in a staged rollout, its first wave (10%) open, the rest in a day."""
    root = os.path.join(d, "published")
    os.makedirs(os.path.join(root, "metadata"))
    os.makedirs(os.path.join(root, "targets", "services", "jordan-health"))
    now = time.time()
    stamp = lambda t: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))
    rollout = {"waves": [{"percent": 10, "opens": stamp(now - 3600)},
                         {"percent": 100, "opens": stamp(now + 86400)}], "halted": False}
    targets = {"signed": {"_type": "targets", "version": 2, "targets": {
        "services/jordan-health/appointment.json": {
            "length": 1, "hashes": {"sha256": "00"}, "custom": {"rollout": rollout}}}},
        "signatures": []}
    with open(os.path.join(root, "metadata", "targets.json"), "w") as f:
        json.dump(targets, f)
    with open(os.path.join(root, "targets", "services", "jordan-health", "appointment.json"),
              "w") as f:
        json.dump({"id": "jordan.health.appointment", "version": "1.1.0"}, f)
    return root


def heartbeat(api_port, d):
    body = json.dumps({
        "kiosk_id": "kiosk-7", "version": "1.4.0",
        "boot_id": "3f0c7a52-9d41-4c4e-a0e5-1f2a3b4c5d6e", "uptime_s": 5400,
        "queue_depth": 3, "quarantined": 0, "oldest_pending_age_s": 42, "last_sequence": 17,
        "audit_head": {"seq": 17, "hash": "0" * 64}, "out_of_service": None,
        "devices": {"printer": "online", "card_reader": "online", "scanner": "busy"}})
    context = ssl.create_default_context(cafile=os.path.join(d, "ca.pem"))
    context.load_cert_chain(os.path.join(d, "kiosk-7.pem"), os.path.join(d, "kiosk-7.key"))
    connection = http.client.HTTPSConnection("127.0.0.1", api_port, context=context, timeout=10)
    connection.request("POST", "/api/v1/heartbeat", body, {"Content-Type": "application/json"})
    status = connection.getresponse().status
    connection.close()
    assert status == 204, f"heartbeat: HTTP {status}"


def upload(api_port, d, batch_path):
    """kiosk-7's batch over mutual TLS; the HTTP status (422: some items were refused)."""
    with open(batch_path) as f:
        body = f.read()
    context = ssl.create_default_context(cafile=os.path.join(d, "ca.pem"))
    context.load_cert_chain(os.path.join(d, "kiosk-7.pem"), os.path.join(d, "kiosk-7.key"))
    connection = http.client.HTTPSConnection("127.0.0.1", api_port, context=context, timeout=10)
    connection.request("POST", "/api/v1/transactions", body, {"Content-Type": "application/json"})
    status = connection.getresponse().status
    connection.close()
    return status


def wait_for(condition, what, seconds=15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def main():
    portal_bin, out_dir, receipt_maker = sys.argv[1], sys.argv[2], sys.argv[3]
    os.makedirs(out_dir, exist_ok=True)
    d = tempfile.mkdtemp(prefix="shubbak-console-browser-")
    portal = driver = None
    try:
        make_pki(d)
        db = os.path.join(d, "portal.db")
        subprocess.run([portal_bin, "admin", "add", "--db", db, "--user", "amal", "--role",
                        "operator"], input=PASSWORD + "\n", text=True, check=True, timeout=60,
                       capture_output=True)
        portal_out = open(os.path.join(d, "portal.out"), "w+")
        portal_err = open(os.path.join(d, "portal.err"), "w+")
        portal = subprocess.Popen(
            [portal_bin, "--port", "0", "--console-port", "0", "--console-offline-seconds", "4",
             "--console-refresh-seconds", "1", "--cert", os.path.join(d, "server.pem"),
             "--key", os.path.join(d, "server.key"), "--client-ca", os.path.join(d, "ca.pem"),
             "--db", db, "--static", publish_rollout(d)], stdout=portal_out, stderr=portal_err)
        ports = {}

        def started():
            portal_out.seek(0)
            for line in portal_out.read().splitlines():
                for key, marker in (("api", "listening on https://127.0.0.1:"),
                                    ("console", "console on https://127.0.0.1:")):
                    if line.startswith(marker):
                        ports[key] = int(line[len(marker):])
            return len(ports) == 2
        wait_for(started, "the portal to start")
        base = f"https://127.0.0.1:{ports['console']}"

        options = webdriver.ChromeOptions()
        options.binary_location = "/usr/bin/chromium"
        for arg in ("--headless=new", "--no-sandbox", "--window-size=1280,800",
                    "--disable-gpu", "--disable-dev-shm-usage", "--lang=ar",
                    f"--user-data-dir={os.path.join(d, 'chromium')}"):
            options.add_argument(arg)
        options.accept_insecure_certs = True  # the test CA is not in the browser's store
        driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        driver.set_page_load_timeout(30)

        def wait_text(text):
            # A click that submits a form may return before the next page is there.
            wait_for(lambda: text in driver.page_source, repr(text))

        def wait_url(url):
            wait_for(lambda: driver.current_url == url, url)

        def shot(name):
            path = os.path.join(out_dir, f"{name}.png")
            driver.save_screenshot(path)
            print("screenshot", path)

        def direction():
            return driver.find_element(By.TAG_NAME, "html").get_attribute("dir")

        def state_of(kiosk):
            # From the page's source, read at once: the board reloads itself every second.
            source = driver.page_source
            marker = f'data-kiosk="{kiosk}" data-state="'
            at = source.find(marker)
            return source[at + len(marker):].split('"', 1)[0] if at >= 0 else None

        def click(by, selector):
            # The board may reload between finding an element and clicking it: find it again.
            for _ in range(10):
                try:
                    driver.find_element(by, selector).click()
                    return
                except StaleElementReferenceException:
                    time.sleep(0.1)
            raise AssertionError(f"{selector} kept going stale")

        # Without a session: every page leads to sign-in.
        for page in ("/", "/audit", "/tokens"):
            driver.get(base + page)
            assert driver.current_url == base + "/sign-in", driver.current_url
        assert direction() == "rtl"
        assert "تسجيل الدخول" in driver.page_source
        shot("sign-in-ar")
        click(By.ID, "lang")
        wait_text('dir="ltr"')
        assert "Sign in" in driver.page_source
        shot("sign-in-en")

        # A wrong password, then the right one.
        driver.find_element(By.ID, "user").send_keys("amal")
        driver.find_element(By.ID, "password").send_keys("wrong password")
        driver.find_element(By.ID, "sign-in").click()
        wait_text("Wrong user name or password.")
        shot("sign-in-failed-en")
        driver.find_element(By.ID, "user").send_keys("amal")
        driver.find_element(By.ID, "password").send_keys(PASSWORD)
        driver.find_element(By.ID, "sign-in").click()
        wait_url(base + "/")
        session = driver.get_cookie("__Host-shubbak-session")
        assert session and session["secure"] and session["httpOnly"], session
        assert session.get("sameSite") == "Strict", session

        # The board: kiosk-7 heartbeats and is green; the language stays as chosen (cookie).
        heartbeat(ports["api"], d)
        driver.get(base + "/")
        assert direction() == "ltr"
        assert state_of("kiosk-7") == "green", driver.page_source
        shot("board-en")
        click(By.ID, "lang")
        wait_text('dir="rtl"')
        assert "الأسطول" in driver.page_source
        assert state_of("kiosk-7") == "green"
        shot("board-ar")

        # A kiosk's page, both languages.
        click(By.CSS_SELECTOR, 'tr[data-kiosk="kiosk-7"] a')
        wait_for(lambda: "/kiosk?id=kiosk-7" in driver.current_url, "the kiosk page")
        assert "1.4.0" in driver.page_source and "card_reader" in driver.page_source
        assert direction() == "rtl"
        shot("kiosk-ar")
        click(By.ID, "lang")
        wait_text("Recent heartbeats")
        assert direction() == "ltr"
        shot("kiosk-en")

        # Heartbeats stop: the board, refreshing itself, turns kiosk-7 red.
        driver.get(base + "/")
        wait_for(lambda: state_of("kiosk-7") == "red", "kiosk-7 to turn red", seconds=20)
        assert "heartbeats stopped" in driver.page_source
        shot("board-red-en")
        driver.get(base + "/?lang=ar")
        assert state_of("kiosk-7") == "red"
        shot("board-red-ar")

        # The alerts: kiosk-7 is offline.
        driver.get(base + "/alerts?lang=en")
        assert driver.find_elements(By.CSS_SELECTOR,
                                    'tr[data-kind="offline"][data-kiosk="kiosk-7"]')
        shot("alerts-en")
        driver.get(base + "/alerts?lang=ar")
        assert direction() == "rtl" and "لا نبضات" in driver.page_source
        shot("alerts-ar")

        # The staged rollout the portal publishes: its two waves, kiosk-7 in one of them, not
        # yet reporting the rollout (its heartbeats are version 1).
        driver.get(base + "/rollouts?lang=en")
        waves = driver.find_elements(By.CSS_SELECTOR, 'section.rollout tr[data-wave]')
        assert len(waves) == 2, driver.page_source
        assert sum(int(w.get_attribute("data-kiosks")) for w in waves) == 1
        shot("rollouts-en")
        click(By.ID, "lang")
        wait_text('dir="rtl"')
        assert "النشر المرحلي" in driver.page_source
        shot("rollouts-ar")

        # Enrolment tokens: issue one.
        driver.get(base + "/tokens?lang=en")
        shot("tokens-en")
        driver.find_element(By.ID, "kiosk_id").send_keys("kiosk-9")
        driver.find_element(By.ID, "issue").click()
        wait_text('id="token"')
        token = driver.find_element(By.ID, "token").text
        assert len(token) == 32, token
        shot("token-issued-en")
        driver.get(base + "/tokens?lang=ar")
        assert token not in driver.page_source
        shot("tokens-ar")
        driver.find_element(By.ID, "kiosk_id").send_keys("kiosk-11")
        driver.find_element(By.ID, "issue").click()
        wait_text("رمز التسجيل للكشك kiosk-11")
        assert len(driver.find_element(By.ID, "token").text) == 32
        shot("token-issued-ar")

        # A forged CSRF token is refused.
        driver.execute_script(
            "document.querySelector('form[action=\"/tokens\"] input[name=csrf]').value = "
            "'0'.repeat(64);")
        driver.find_element(By.ID, "kiosk_id").send_keys("kiosk-10")
        driver.find_element(By.ID, "issue").click()
        wait_text("ليست لديك صلاحية")
        assert 'id="token"' not in driver.page_source
        assert "csrf=" not in driver.find_element(By.ID, "lang").get_attribute("href")
        shot("csrf-refused-ar")

        # Kiosk-7 uploads two transactions and one with a card number, which is refused.
        made = os.path.join(d, "kiosk-7-made")
        subprocess.run([receipt_maker, made], check=True, timeout=60, capture_output=True)
        assert upload(ports["api"], d, os.path.join(made, "batch.json")) == 422
        with open(os.path.join(made, "id.txt")) as f:
            transaction_id = f.read()
        with open(os.path.join(made, "seal.txt")) as f:
            seal = f.read()
        with open(os.path.join(made, "refused.txt")) as f:
            refused_id = f.read()

        # Find it by its id, typed in upper case without hyphens.
        driver.get(base + "/transaction?lang=en")
        driver.find_element(By.ID, "ref").send_keys(transaction_id.replace("-", "").upper())
        driver.find_element(By.ID, "find").click()
        wait_text('id="transaction"')
        assert transaction_id in driver.page_source and "1.250 OMR" in driver.page_source
        assert direction() == "ltr"
        shot("transaction-en")
        click(By.ID, "lang")
        wait_text('dir="rtl"')
        assert "وقت الاستلام في البوابة" in driver.page_source
        shot("transaction-ar")

        # Verify its printed receipt: the PNG through the form's file field, then the QR text.
        driver.get(base + "/receipt-check?lang=en")
        shot("receipt-check-en")
        driver.find_element(By.ID, "picture").send_keys(os.path.join(made, "receipt.png"))
        driver.find_element(By.ID, "verify").click()
        wait_text('data-verdict="valid"')
        assert 'data-stored="matches"' in driver.page_source
        assert transaction_id in driver.page_source
        shot("receipt-valid-en")
        driver.get(base + "/receipt-check?lang=ar")
        assert direction() == "rtl"
        driver.find_element(By.ID, "seal").send_keys(seal)
        driver.find_element(By.ID, "verify").click()
        wait_text('data-verdict="valid"')
        assert "الختم صحيح" in driver.page_source
        shot("receipt-valid-ar")
        # One character of the signature changed: refused, and why.
        driver.get(base + "/receipt-check?lang=en")
        last = seal[-1]
        driver.find_element(By.ID, "seal").send_keys(seal[:-1] + ("0" if last != "0" else "1"))
        driver.find_element(By.ID, "verify").click()
        wait_text('data-verdict="')
        assert 'data-verdict="valid"' not in driver.page_source
        shot("receipt-invalid-en")

        # The refused transaction, with its reason, linked to its kiosk; and on the kiosk's page.
        driver.get(base + "/refusals?lang=en")
        assert refused_id in driver.page_source
        assert "looks like a card number" in driver.page_source
        assert "4111111111111111" not in driver.page_source
        shot("refusals-en")
        click(By.ID, "lang")
        wait_text('dir="rtl"')
        shot("refusals-ar")
        click(By.CSS_SELECTOR, '#refusals a[href="/kiosk?id=kiosk-7"]')
        wait_for(lambda: "/kiosk?id=kiosk-7" in driver.current_url, "the kiosk page")
        assert 'id="kiosk-refusals"' in driver.page_source and refused_id in driver.page_source
        driver.execute_script("document.getElementById('kiosk-refusals').scrollIntoView();")
        shot("kiosk-refusals-ar")

        # The audit log shows it all.
        driver.get(base + "/audit?lang=en")
        for action in ("sign_in", "sign_in_failed", "token_issued", "csrf_refused",
                       "receipt_verified"):
            assert driver.find_elements(By.CSS_SELECTOR, f'tr[data-action="{action}"]'), action
        shot("audit-en")
        click(By.ID, "lang")
        wait_text('dir="rtl"')
        assert "سجل التدقيق" in driver.page_source
        shot("audit-ar")

        # Sign out: the session is gone and pages lead to sign-in again.
        driver.find_element(By.ID, "sign-out").click()
        wait_url(base + "/sign-in")
        driver.get(base + "/audit")
        assert driver.current_url == base + "/sign-in"
        print("console browser test: passed")
        return 0
    finally:
        if driver is not None:
            driver.quit()
        if portal is not None:
            portal.send_signal(signal.SIGTERM)
            try:
                portal.wait(timeout=10)
            except subprocess.TimeoutExpired:
                portal.kill()
                portal.wait(timeout=10)
            with open(os.path.join(d, "portal.err")) as f:
                sys.stderr.write(f.read()[-4000:])
        shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
