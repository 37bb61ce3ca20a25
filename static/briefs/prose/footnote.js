// Footnotes in the prose editor (a django-prose-editor custom extension,
// registered in settings.DJANGO_PROSE_EDITOR_EXTENSIONS).
//
// - The toolbar's "Insert a footnote" button asks for the note in a small dialog
//   at the cursor. OK (or Enter) types a marker [^label] there with the next free
//   label, adds a Footnotes row with that label and the note's text, and puts the
//   cursor back right after the marker; the page does not move. Escape cancels.
// - Each marker is shown as the number readers will see (a chip; the stored text
//   keeps [^label]), and the Footnotes rows are titled and listed in that order.
//   The numbers come from the server's own rule: the form as typed is posted to
//   the issue admin's "footnote-numbers/" view (editorial/footnote_numbers.py) a
//   moment after each change, never computed here.
import { Extension, Plugin, pm } from "django-prose-editor/editor"

const { PluginKey, TextSelection } = pm.state
const { Decoration, DecorationSet } = pm.view

// Must agree with briefs/footnotes.py (MARKER_RE; labels are compared lower-cased).
const MARKER = /\[\^([A-Za-z0-9][A-Za-z0-9_-]*)\]/g
// The fields whose change can change a number: the texts, the questions' order, the notes' labels.
const NUMBERED_FIELD =
  /^(introduction|body)$|^questions-\d+-(question|answer|sort_order|DELETE)$|^footnotes-\d+-(label|DELETE)$/
const REFRESH_DELAY_MS = 300

function usedLabels(form) {
  const used = new Set()
  for (const input of form.querySelectorAll("input[name^='footnotes-'][name$='-label']")) {
    if (!input.name.includes("__prefix__") && input.value.trim()) used.add(input.value.trim().toLowerCase())
  }
  // What will be posted: each prose editor keeps its textarea up to date.
  for (const textarea of form.querySelectorAll("textarea")) {
    for (const match of textarea.value.matchAll(MARKER)) used.add(match[1].toLowerCase())
  }
  return used
}

export function nextFreeLabel(form) {
  const used = usedLabels(form)
  let n = 1
  while (used.has(String(n))) n += 1
  return String(n)
}

// -- the numbers, asked of the server ------------------------------------------

function footnoteRows(group) {
  return Array.from(group.querySelectorAll(".inline-related:not(.empty-form)"))
}

function rowLabel(row) {
  const input = row.querySelector("input[name$='-label']")
  return input ? input.value.trim().toLowerCase() : ""
}

// Django's own renaming of a row's fields (admin/js/inlines.js updateElementIndex).
function renameRow(row, prefix, index) {
  const pattern = new RegExp(`(${prefix}-(\\d+|__prefix__))`)
  const replacement = `${prefix}-${index}`
  for (const el of [row, ...row.querySelectorAll("*")]) {
    if (el.htmlFor) el.htmlFor = el.htmlFor.replace(pattern, replacement)
    if (el.id) el.id = el.id.replace(pattern, replacement)
    if (el.name) el.name = el.name.replace(pattern, replacement)
  }
}

class Numbering {
  constructor(form, group) {
    this.form = form
    this.group = group
    this.editors = new Set()
    this.sequence = 0
    this.timer = null
    this.status = group.querySelector(".fn-status")
    let numbers = null
    try {
      numbers = group.dataset.numbers ? JSON.parse(group.dataset.numbers) : null
    } catch {
      numbers = null
    }
    this.numbers = numbers || {}
    this.pending = numbers === null
    this.listen()
    this.arrangeRows()
    if (this.pending) this.refresh()
  }

  listen() {
    const changed = (event) => {
      if (event.target.name && NUMBERED_FIELD.test(event.target.name)) this.schedule()
    }
    this.form.addEventListener("input", changed)
    this.form.addEventListener("change", changed)
    // Move up / Move down (admin/js/sortable-inlines.js) renumber the questions without an event.
    this.form.addEventListener("click", (event) => {
      if (event.target.closest("#questions-group .sortable-inline-buttons button")) this.schedule()
    })
    document.addEventListener("formset:removed", (event) => {
      const prefix = event.detail && event.detail.formsetName
      if (prefix === "footnotes") queueMicrotask(() => this.keepIndexes())
      if (prefix === "footnotes" || prefix === "questions") this.schedule()
    })
  }

  add(editor) {
    this.editors.add(editor)
    this.show(editor)
  }

  remove(editor) {
    this.editors.delete(editor)
  }

  show(editor) {
    if (editor.isDestroyed) return
    const { view } = editor
    const tr = view.state.tr.setMeta(numbersKey, { numbers: this.numbers, pending: this.pending })
    // Redrawing the chips puts the editor's cursor back in the page; if the browser
    // moved it (a key just pressed) and the editor has not heard yet, keep the browser's.
    const pos = view.hasFocus() && view.state.selection.empty ? caret(view) : null
    if (pos !== null && pos !== view.state.selection.head) tr.setSelection(TextSelection.create(tr.doc, pos))
    view.dispatch(tr)
  }

  showAll() {
    for (const editor of this.editors) this.show(editor)
  }

  schedule() {
    clearTimeout(this.timer)
    this.timer = setTimeout(() => this.refresh(), REFRESH_DELAY_MS)
    if (!this.pending) {
      this.pending = true
      queueMicrotask(() => this.showAll()) // not inside the editor's own update
    }
  }

  async refresh() {
    const sequence = ++this.sequence
    const body = new FormData(this.form)
    body.set("issue", this.group.dataset.issue || "")
    let problem = ""
    let numbers = null
    try {
      const response = await fetch(this.group.dataset.numbersUrl, {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
      if (response.ok) numbers = (await response.json()).numbers
      else problem = `the server answered ${response.status}`
    } catch {
      problem = "the server could not be reached"
    }
    if (sequence !== this.sequence) return // a later change asked again
    if (numbers) {
      this.numbers = numbers
      this.pending = false
      this.status.textContent = ""
    } else {
      this.status.textContent =
        `The note numbers could not be updated (${problem}). ` +
        "They are shown as before; saving checks every marker and note."
    }
    this.showAll()
    this.arrangeRows()
  }

  // Rows titled “Note 1”… and listed in reading order; notes not cited yet come last.
  arrangeRows() {
    const rows = footnoteRows(this.group)
    const keyed = rows.map((row, position) => {
      const label = rowLabel(row)
      const number = this.numbers[label]
      const title = row.querySelector(".fn-row-title")
      if (title && !this.pending) title.textContent = number ? `Note ${number}` : label ? "Not cited yet" : "New note"
      const small = row.querySelector(".fn-row-label")
      if (small) small.textContent = label ? `[^${label}]` : ""
      return { row, key: [number ? 0 : 1, number || 0, position] }
    })
    keyed.sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1] || a.key[2] - b.key[2])
    if (keyed.every((item, i) => item.row === rows[i])) return
    const focused = document.activeElement
    const anchor = this.group.querySelector(".inline-related.empty-form") || this.group.querySelector(".add-row")
    for (const { row } of keyed) anchor.parentNode.insertBefore(row, anchor)
    if (focused && focused !== document.activeElement && focused.isConnected) focused.focus({ preventScroll: true })
  }

  // The rows are listed in reading order, but a formset needs its saved rows
  // first: Django renames the rows in page order when a new row is removed, so
  // rename them again, saved rows first.
  keepIndexes() {
    const rows = footnoteRows(this.group)
    const saved = rows.filter((row) => row.classList.contains("has_original"))
    const ordered = [...saved, ...rows.filter((row) => !saved.includes(row))]
    ordered.forEach((row, index) => renameRow(row, "footnotes", index))
  }
}

const numberings = new WeakMap()

function numberingFor(form) {
  if (!form) return null
  if (!numberings.has(form)) {
    const group = form.querySelector("#footnotes-group[data-numbers-url]")
    numberings.set(form, group ? new Numbering(form, group) : null)
  }
  return numberings.get(form)
}

// -- the chips -------------------------------------------------------------------

const numbersKey = new PluginKey("footnoteNumbers")

function markersIn(doc) {
  // In one text node only, as the server reads them: a marker split by a tag is none.
  const found = []
  doc.descendants((node, pos) => {
    if (!node.isText) return
    for (const match of node.text.matchAll(MARKER)) {
      const from = pos + match.index
      found.push({ from, to: from + match[0].length, label: match[1].toLowerCase() })
    }
  })
  return found
}

function markerAround(state, pos, test) {
  const $pos = state.doc.resolve(pos)
  const start = $pos.start()
  for (const marker of markersIn($pos.parent)) {
    const from = start + marker.from
    const to = start + marker.to
    if (test(from, to)) return { from, to }
  }
  return null
}

// Where the cursor is. The browser's selection first: the editor reads it back only
// after the browser reports the change, and keys can come quicker than that.
function caret(view) {
  const selection = view.root.getSelection ? view.root.getSelection() : document.getSelection()
  if (selection && selection.isCollapsed && selection.focusNode && view.dom.contains(selection.focusNode)) {
    try {
      return view.posAtDOM(selection.focusNode, selection.focusOffset)
    } catch {
      // not a position of the document (e.g. inside a chip): the editor's own
    }
  }
  return view.state.selection.empty ? view.state.selection.head : null
}

function chip(number, label, pending) {
  const sup = document.createElement("sup")
  sup.className = "fn-chip"
  sup.setAttribute("role", "img")
  sup.dataset.label = label
  if (number) {
    sup.textContent = String(number)
    sup.setAttribute("aria-label", `Footnote ${number}`)
    sup.title = `Footnote ${number} (label “${label}”)`
  } else if (pending) {
    sup.textContent = "…"
    sup.setAttribute("aria-label", "Footnote, being numbered")
  } else {
    sup.textContent = "?"
    sup.classList.add("fn-chip--unknown")
    sup.setAttribute("aria-label", `Footnote marker [^${label}] without a note`)
    sup.title = `No footnote below has the label “${label}”: add one, or correct the marker.`
  }
  return sup
}

function decorate(doc, numbers, pending) {
  const decorations = []
  for (const { from, to, label } of markersIn(doc)) {
    const number = numbers[label]
    decorations.push(Decoration.inline(from, to, { class: "fn-marker-text", "aria-hidden": "true" }))
    decorations.push(
      Decoration.widget(to, () => chip(number, label, pending), {
        side: -1,
        ignoreSelection: true,
        key: `fn-${label}-${number || (pending ? "pending" : "unknown")}`,
      }),
    )
  }
  return DecorationSet.create(doc, decorations)
}

function numbersPlugin() {
  return new Plugin({
    key: numbersKey,
    state: {
      init: (_config, state) => ({ numbers: {}, pending: true, decorations: decorate(state.doc, {}, true) }),
      apply(tr, value, _old, state) {
        const shown = tr.getMeta(numbersKey)
        if (!shown && !tr.docChanged) return value
        const { numbers, pending } = shown || value
        return { numbers, pending, decorations: decorate(state.doc, numbers, pending) }
      },
    },
    props: {
      decorations: (state) => numbersKey.getState(state).decorations,
      // A marker is one thing to the cursor, as its chip shows it.
      handleKeyDown(view, event) {
        if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return false
        const pos = caret(view)
        if (pos === null) return false
        const around = {
          ArrowLeft: (from, to) => from < pos && pos <= to,
          Backspace: (from, to) => from < pos && pos <= to,
          ArrowRight: (from, to) => from <= pos && pos < to,
          Delete: (from, to) => from <= pos && pos < to,
        }[event.key]
        const marker = around && markerAround(view.state, pos, around)
        if (!marker) return false
        const { tr } = view.state
        if (event.key === "Backspace" || event.key === "Delete") tr.delete(marker.from, marker.to)
        else tr.setSelection(TextSelection.create(tr.doc, event.key === "ArrowLeft" ? marker.from : marker.to))
        view.dispatch(tr.scrollIntoView())
        return true
      },
    },
    // A click inside a marker's hidden text puts the cursor after its chip.
    appendTransaction(transactions, _old, state) {
      if (transactions.some((tr) => tr.docChanged) || !state.selection.empty) return null
      const pos = state.selection.head
      const marker = markerAround(state, pos, (from, to) => from < pos && pos < to)
      return marker ? state.tr.setSelection(TextSelection.create(state.doc, marker.to)) : null
    },
  })
}

// -- inserting a note --------------------------------------------------------------

function noteHtml(text) {
  const escape = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
  return text
    .split(/\n\s*\n|\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => `<p>${escape(line)}</p>`)
    .join("")
}

let dialogs = 0

// The note's text, asked in a small dialog at the cursor: a string, or null when cancelled.
function askForNote(editor) {
  return new Promise((resolve) => {
    const id = `fn-dialog-${++dialogs}`
    const dialog = document.createElement("dialog")
    dialog.className = "fn-dialog"
    dialog.setAttribute("aria-labelledby", `${id}-title`)
    const form = document.createElement("form")
    form.method = "dialog"
    const title = document.createElement("h2")
    title.id = `${id}-title`
    title.textContent = "New footnote"
    const label = document.createElement("label")
    label.htmlFor = `${id}-text`
    label.textContent = "Text of the note"
    const text = document.createElement("textarea")
    text.id = `${id}-text`
    text.rows = 3
    text.required = true
    text.setAttribute("aria-describedby", `${id}-help`)
    const help = document.createElement("p")
    help.id = `${id}-help`
    help.className = "help"
    help.textContent = "Enter inserts it here (Shift+Enter starts a new line); Escape cancels. Links and italics can be added below, under Footnotes."
    const buttons = document.createElement("div")
    buttons.className = "fn-dialog-buttons"
    const ok = document.createElement("button")
    ok.type = "submit"
    ok.className = "button default"
    ok.textContent = "Insert the note"
    const cancel = document.createElement("button")
    cancel.type = "button"
    cancel.className = "button"
    cancel.textContent = "Cancel"
    buttons.append(ok, cancel)
    form.append(title, label, text, help, buttons)
    dialog.append(form)
    document.body.append(dialog)

    let answer = null
    text.addEventListener("input", () => text.setCustomValidity(""))
    text.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault()
        form.requestSubmit()
      }
    })
    form.addEventListener("submit", (event) => {
      if (!text.value.trim()) {
        event.preventDefault()
        text.setCustomValidity("Write the note's text, or press Escape to cancel.")
        text.reportValidity()
        return
      }
      answer = text.value.trim()
    })
    cancel.addEventListener("click", () => dialog.close())
    dialog.addEventListener("close", () => {
      dialog.remove()
      resolve(answer)
    })

    // At the cursor: below its line, or above it when the window has no room below.
    const caret = editor.view.coordsAtPos(editor.state.selection.head)
    dialog.showModal()
    const box = dialog.getBoundingClientRect()
    const below = caret.bottom + 8
    const top = below + box.height <= window.innerHeight - 8 ? below : Math.max(8, caret.top - 8 - box.height)
    const left = Math.min(Math.max(8, caret.left - 24), window.innerWidth - box.width - 8)
    dialog.style.top = `${Math.round(top)}px`
    dialog.style.left = `${Math.round(left)}px`
    text.focus({ preventScroll: true })
  })
}

function fillNote(row, html) {
  const textarea = row.querySelector(".field-text textarea")
  if (!textarea) return
  textarea.value = html // posted as is if the row's editor is not ready yet
  const editable = row.querySelector(".field-text .ProseMirror")
  if (editable && editable.editor) {
    editable.editor.commands.setContent(html)
    return
  }
  const ready = (event) => {
    if (!row.contains(event.target)) return
    document.removeEventListener("prose-editor:ready", ready)
    event.detail.editor.commands.setContent(html)
  }
  document.addEventListener("prose-editor:ready", ready)
}

function addFootnoteRow(form, label, html) {
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
  fillNote(added, html)
  const input = added.querySelector("input[name$='-label']")
  input.value = label
  input.dispatchEvent(new Event("input", { bubbles: true }))
  input.dispatchEvent(new Event("change", { bubbles: true }))
  return added
}

export function insertFootnote(editor) {
  const form = editor.view.dom.closest("form")
  const group = form && form.querySelector("#footnotes-group")
  if (!group || !group.querySelector(".add-row a")) return false
  const { from, to } = editor.state.selection
  const scroll = [window.scrollX, window.scrollY]
  askForNote(editor).then((text) => {
    const size = editor.state.doc.content.size
    let { tr } = editor.state
    let cursor = Math.min(from, size)
    if (text !== null) {
      const label = nextFreeLabel(form)
      const marker = `[^${label}]`
      tr = tr.insertText(marker, Math.min(from, size), Math.min(to, size))
      cursor = Math.min(from, size) + marker.length
      addFootnoteRow(form, label, noteHtml(text))
    }
    editor.view.dispatch(tr.setSelection(TextSelection.create(tr.doc, cursor)))
    editor.view.focus()
    if (window.scrollX !== scroll[0] || window.scrollY !== scroll[1]) window.scrollTo(scroll[0], scroll[1])
  })
  return true
}

export const FootnoteMarker = Extension.create({
  name: "footnoteMarker",

  addProseMirrorPlugins() {
    return [numbersPlugin()]
  },

  onCreate() {
    const numbering = numberingFor(this.editor.view.dom.closest("form"))
    if (numbering) numbering.add(this.editor)
  },

  onDestroy() {
    const numbering = numberingFor(this.editor.view.dom.closest("form"))
    if (numbering) numbering.remove(this.editor)
  },

  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "footnoteMarker",
      groups: "footnote",
      command: insertFootnote,
      button: buttons.material("note_add", "Insert a footnote here (asks for its text, then adds it under Footnotes)"),
      enabled: (editor) => editor.isEditable,
    })
  },
})
