// The "lazy" preset of django-prose-editor (settings.DJANGO_PROSE_EDITOR_PRESETS):
// for an issue with hundreds of questions and notes, each row's editor is made
// when it comes near the window (or its text box gets the focus), not all at
// once when the page opens. An editor not made yet is its textarea, which holds
// the text as it will be posted: nothing is lost whether or not it was opened.
// The editor itself is the library's own, made with its public createEditor.
import { createEditor } from "django-prose-editor/configurable"

const ATTRIBUTE = "data-django-prose-editor-lazy"

const observer = new IntersectionObserver(
  (entries) => {
    for (const entry of entries) if (entry.isIntersecting) start(entry.target)
  },
  { rootMargin: "1500px 0px" },
)

function start(textarea) {
  if (textarea.dataset.proseEditorStarted) return
  textarea.dataset.proseEditorStarted = "1"
  observer.unobserve(textarea)
  createEditor(textarea, JSON.parse(textarea.getAttribute(ATTRIBUTE) || configOfTemplateRow(textarea)))
}

// A row's textarea names no configuration: its inline's template row (``…-__prefix__-field``) has it.
function configOfTemplateRow(textarea) {
  const name = textarea.name.replace(/-\d+-([^-]+)$/, "-__prefix__-$1")
  const template = document.querySelector(`textarea[name="${CSS.escape(name)}"]`)
  return (template && template.getAttribute(ATTRIBUTE)) || "{}"
}

function watch(root) {
  for (const textarea of root.querySelectorAll(`textarea[${ATTRIBUTE}]`)) {
    if (textarea.id.includes("__prefix__") || textarea.dataset.proseEditorStarted) continue
    observer.observe(textarea)
    textarea.addEventListener("focus", () => start(textarea), { once: true })
  }
}

watch(document)
document.addEventListener("formset:added", (event) => watch(event.target))
