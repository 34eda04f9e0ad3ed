#!/usr/bin/env python3
"""Browser check of a pytrack report: opens every HTML page from file:// in headless Chromium
(Debian's /usr/bin/chromium + /usr/bin/chromedriver), and asserts

  * no console errors (browser log at SEVERE level),
  * no failed requests: every <img> finished loading with a non-zero natural size, and the
    performance log holds no Network.loadingFailed event,
  * no request left the machine (only file:// and data: URLs),
  * the step slider changes the step label and the visible per-step SVGs (which then load).

Screenshots go to ARTIFACTS (git-ignored). Usage: check_report.py REPORT_DIR ARTIFACTS_DIR
Exit status 0 when every check passes; failures are printed one per line.
"""
import json
import pathlib
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service


def make_driver():
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--allow-file-access-from-files", "--window-size=1400,1000", "--hide-scrollbars"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def images_state(driver):
    return driver.execute_script(
        "return Array.from(document.images).map(i => [i.getAttribute('src'), i.complete, i.naturalWidth]);")


def wait_images(driver, timeout=20.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        state = images_state(driver)
        if all(c for _, c, _ in state):
            return state
        time.sleep(0.1)
    return images_state(driver)


def check_page(driver, page, label, shots, failures):
    url = page.resolve().as_uri()
    driver.get_log("browser")
    driver.get_log("performance")
    started = time.time()
    driver.get(url)
    state = wait_images(driver)
    print(f"{page}: {len(state)} images loaded in {time.time() - started:.2f} s")
    for src, complete, width in state:
        if not complete or width == 0:
            failures.append(f"{page}: image {src} did not load")
    slider = driver.find_elements("id", "step")
    if slider and slider[0].get_attribute("max") == "0":
        driver.save_screenshot(str(shots / f"{label}-single-step.png"))
    elif slider:
        label_before = driver.find_element("id", "steplabel").text
        stepped_before = driver.execute_script(
            "return Array.from(document.querySelectorAll('img[data-stepped]')).map(i => i.getAttribute('src'));")
        driver.save_screenshot(str(shots / f"{label}-last-step.png"))
        driver.execute_script(
            "var s=document.getElementById('step'); s.value=0; s.dispatchEvent(new Event('input'));")
        state = wait_images(driver)
        label_after = driver.find_element("id", "steplabel").text
        stepped_after = driver.execute_script(
            "return Array.from(document.querySelectorAll('img[data-stepped]')).map(i => i.getAttribute('src'));")
        if label_after == label_before:
            failures.append(f"{page}: moving the slider did not change the step label ({label_before})")
        if not stepped_before or stepped_after == stepped_before:
            failures.append(f"{page}: moving the slider did not change the step figures")
        for src, complete, width in state:
            if not complete or width == 0:
                failures.append(f"{page}: after moving the slider, image {src} did not load")
        # Screenshots of the main charts at the first step.
        for figure_id in ("spectra", "depth", "norms", "layernorm"):
            found = driver.find_elements("id", figure_id)
            if found:
                driver.execute_script("arguments[0].scrollIntoView();", found[0])
                time.sleep(0.1)
                driver.save_screenshot(str(shots / f"{label}-{figure_id}-first-step.png"))
        driver.execute_script("window.scrollTo(0, 0);")
    else:
        driver.save_screenshot(str(shots / f"{label}.png"))
    for entry in driver.get_log("browser"):
        if entry.get("level") == "SEVERE":
            failures.append(f"{page}: console error: {entry.get('message')}")
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        method = message.get("method", "")
        params = message.get("params", {})
        if method == "Network.loadingFailed" and not params.get("canceled"):
            failures.append(f"{page}: failed request: {params.get('errorText')} {params.get('type')}")
        if method == "Network.requestWillBeSent":
            req_url = params.get("request", {}).get("url", "")
            if not (req_url.startswith("file://") or req_url.startswith("data:")):
                failures.append(f"{page}: request leaves the machine: {req_url}")


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    root = pathlib.Path(sys.argv[1])
    shots = pathlib.Path(sys.argv[2])
    shots.mkdir(parents=True, exist_ok=True)
    pages = [root / "index.html"] + sorted(root.glob("*/index.html"))
    failures = []
    driver = make_driver()
    try:
        for page in pages:
            if not page.exists():
                failures.append(f"{page}: missing")
                continue
            check_page(driver, page, "index" if page.parent == root else page.parent.name, shots, failures)
    finally:
        driver.quit()
    for f in failures:
        print(f)
    print(f"checked {len(pages)} pages, {len(failures)} failures, screenshots in {shots}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
