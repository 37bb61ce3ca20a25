"""What an editor does with the mouse and keyboard on the issue's admin page, for the browser tests."""


def choose_person(page, row, name):
    """Pick ``name`` in the person autocomplete of the inline row ``row`` (e.g. ``contributions-0``)."""
    page.locator(f"#{row} .field-person .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(name)
    page.locator(".select2-results__option", has_text=name).click()


def type_rich(page, selector, text):
    """Click into the prose editor inside ``selector`` and type ``text`` as a person would."""
    editor = page.locator(f"{selector} .ProseMirror[contenteditable=true]")
    editor.click()
    editor.press_sequentially(text)


def insert_footnote(page, selector, note):
    """Click the toolbar's footnote button in ``selector``'s editor, type the note in its dialog, press Enter."""
    page.locator(f"{selector} button[title^='Insert a footnote']").click()
    page.locator("dialog.fn-dialog[open] textarea").wait_for()
    page.keyboard.type(note)
    page.keyboard.press("Enter")
    page.locator("dialog.fn-dialog").wait_for(state="detached")
