// The prose editor's "Insert a footnote" button (a django-prose-editor custom
// extension, registered in settings.DJANGO_PROSE_EDITOR_EXTENSIONS).
//
// It types a marker [^label] at the cursor with the next free label (1, 2, 3…:
// a number that no footnote row and no marker on the page uses yet), adds a
// footnote row with that label under "Footnotes", and puts the cursor in the
// new note's text. So an editor never has to know what a label is.
import { Extension } from "django-prose-editor/editor"

// Must agree with briefs/footnotes.py (MARKER_RE; labels are compared lower-cased).
const MARKER = /\[\^([A-Za-z0-9][A-Za-z0-9_-]*)\]/g

function usedLabels(form) {
  const used = new Set()
  for (const input of form.querySelectorAll("input[name^='footnotes-'][name$='-label']")) {
    if (!input.name.includes("__prefix__") && input.value.trim()) used.add(input.value.trim().toLowerCase())
  }
  // The editors' own text (what is on screen) and their textareas (what will be posted).
  const texts = [
    ...Array.from(form.querySelectorAll(".ProseMirror[contenteditable]"), (el) => el.textContent),
    ...Array.from(form.querySelectorAll("textarea"), (el) => el.value),
  ]
  for (const text of texts) {
    for (const match of text.matchAll(MARKER)) used.add(match[1].toLowerCase())
  }
  return used
}

export function nextFreeLabel(form) {
  const used = usedLabels(form)
  let n = 1
  while (used.has(String(n))) n += 1
  return String(n)
}

function focusWhenReady(row, tries = 100) {
  const editable = row.querySelector(".field-text .ProseMirror[contenteditable=true]")
  if (editable) {
    editable.focus()
    return
  }
  if (tries > 0) setTimeout(() => focusWhenReady(row, tries - 1), 30)
}

function addFootnoteRow(form, label) {
  const group = form.querySelector("#footnotes-group")
  const add = group && group.querySelector(".add-row a")
  if (!add) return null
  let added = null
  const remember = (event) => {
    added = event.target
  }
  document.addEventListener("formset:added", remember)
  add.click() // Django's inlines.js adds the row synchronously and sends formset:added
  document.removeEventListener("formset:added", remember)
  if (!added) return null
  const input = added.querySelector("input[name$='-label']")
  input.value = label
  input.dispatchEvent(new Event("change", { bubbles: true }))
  added.scrollIntoView({ block: "center" })
  focusWhenReady(added)
  return added
}

export function insertFootnote(editor) {
  const form = editor.view.dom.closest("form")
  if (!form || !form.querySelector("#footnotes-group")) return false
  const label = nextFreeLabel(form)
  editor.chain().focus().insertContent(`[^${label}]`).run()
  return addFootnoteRow(form, label) !== null
}

export const FootnoteMarker = Extension.create({
  name: "footnoteMarker",

  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "footnoteMarker",
      groups: "footnote",
      command: insertFootnote,
      button: buttons.material("note_add", "Insert a footnote here (adds the note below, under Footnotes)"),
      enabled: (editor) => editor.isEditable,
    })
  },
})
