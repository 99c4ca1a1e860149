"""A real headless Chromium over WebDriver (Debian chromium, chromium-driver,
python3-selenium) for the dashboard tests: started with the flags a root
user in a container needs, its console read back, bounded in time."""
import os
import shutil
import tempfile

from selenium import webdriver
from selenium.webdriver.chrome.service import Service


def start(width=1280, height=900, dark=False):
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in ("--headless=new", "--disable-dev-shm-usage", "--disable-gpu",
                 f"--window-size={width},{height}", "--no-first-run",
                 "--disable-background-networking", "--disable-extensions"):
        options.add_argument(flag)
    if os.geteuid() == 0:
        options.add_argument("--no-sandbox")  # Chromium's sandbox refuses root
    if dark:
        options.add_argument("--force-dark-mode")
        options.add_argument("--blink-settings=preferredColorScheme=0")
    options.add_argument(f"--user-data-dir={tempfile.mkdtemp(prefix='certmint-chromium-')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or
                                              "/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(30)
    return driver


def console_errors(driver):
    """The page's console messages at level SEVERE (errors, CSP violations)."""
    return [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]


def wait_ready(driver, seconds=20):
    """Until the page's script has drawn everything (it sets data-ready)."""
    from selenium.webdriver.support.ui import WebDriverWait
    WebDriverWait(driver, seconds).until(
        lambda d: d.execute_script("return document.documentElement.dataset.ready === '1'"))


def full_screenshot(driver, path, max_height=4000):
    """The whole page (up to max_height CSS pixels), at the window's width."""
    width = driver.execute_script("return window.innerWidth")
    height = min(max_height, driver.execute_script("return document.documentElement.scrollHeight"))
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "captureBeyondViewport": True, "format": "png",
        "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}})
    import base64
    with open(path, "wb") as f:
        f.write(base64.b64decode(shot["data"]))


def finish(test, failures):
    """Removes the test's scratch directory (the cwd), prints each failure
    and the verdict; the exit code: 0 when none failed."""
    shutil.rmtree(os.getcwd(), ignore_errors=True)
    for f in failures:
        print("FAIL:", f)
    print(f"{test}:", "ok" if not failures else f"{len(failures)} failures")
    return 1 if failures else 0
