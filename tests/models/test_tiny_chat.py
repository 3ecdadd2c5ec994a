"""Tiny chat models of each family warta prompts: loaded as a hub id is, prompted in the family's own format."""

import re
from pathlib import Path

import pytest

from models.loading import load_model
from models.tiny import CHAT_FAMILIES, build_hy_mt2_shape_config, build_tiny_chat, sample_sentences

#: What each family's chat template makes of one user message "Halo", and the token that ends
#: the assistant's turn: the table is the documentation of the formats the tiny models keep.
PROMPTS = {
    "qwen2": ("<|im_start|>user\nHalo<|im_end|>\n<|im_start|>assistant\n", "<|im_end|>", "Qwen2ForCausalLM"),
    "qwen3": ("<|im_start|>user\nHalo<|im_end|>\n<|im_start|>assistant\n", "<|im_end|>", "Qwen3ForCausalLM"),
    "hunyuan_v1_dense": (
        "<｜hy_begin▁of▁sentence｜><｜hy_User｜>Halo<｜hy_Assistant｜>", "<｜hy_place▁holder▁no▁2｜>", "HunYuanDenseV1ForCausalLM",
    ),
    "gemma3_text": (
        "<bos><start_of_turn>user\nHalo<end_of_turn>\n<start_of_turn>model\n", "<end_of_turn>", "Gemma3ForCausalLM",
    ),
    "mistral": ("<s>[INST] Halo [/INST]", "</s>", "MistralForCausalLM"),
}
#: The assistant prefix each prompt ends with, ready for the answer.
ASSISTANT_PREFIXES = {
    "qwen2": "<|im_start|>assistant\n",
    "qwen3": "<|im_start|>assistant\n",
    "hunyuan_v1_dense": "<｜hy_Assistant｜>",
    "gemma3_text": "<start_of_turn>model\n",
    "mistral": "[/INST]",
}
CORPUS_WORDS = {word for line in sample_sentences() for word in re.findall(r"[^\W_]+", line)}


@pytest.fixture(scope="module")
def chat_folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One tiny chat model folder per family (about a second for all of them)."""
    root = tmp_path_factory.mktemp("tiny-chats")
    return {family: build_tiny_chat(root / family, family) for family in CHAT_FAMILIES}


def test_the_table_covers_every_family():
    assert set(PROMPTS) == set(ASSISTANT_PREFIXES) == set(CHAT_FAMILIES)


@pytest.mark.parametrize("family", CHAT_FAMILIES)
def test_a_tiny_chat_model_loads_through_the_hub_id_path(chat_folders: dict[str, Path], family: str):
    loaded = load_model(str(chat_folders[family]), kind="causal")

    assert loaded.model.config.model_type == family
    assert type(loaded.model).__name__ == PROMPTS[family][2]
    assert loaded.weights == "safetensors" and loaded.revision.startswith("local:")
    assert loaded.model.config.hidden_size == 32 and loaded.model.config.num_hidden_layers == 2


@pytest.mark.parametrize("family", CHAT_FAMILIES)
def test_the_chat_template_is_the_familys_own(chat_folders: dict[str, Path], family: str):
    tokenizer = load_model(str(chat_folders[family]), kind="causal").tokenizer

    text = tokenizer.apply_chat_template([{"role": "user", "content": "Halo"}], add_generation_prompt=True, tokenize=False)

    assert "Halo" in text and text.endswith(ASSISTANT_PREFIXES[family])
    assert text == PROMPTS[family][0]


@pytest.mark.parametrize("family", CHAT_FAMILIES)
def test_turn_markers_are_special_tokens_and_end_the_answer(chat_folders: dict[str, Path], family: str):
    loaded = load_model(str(chat_folders[family]), kind="causal")
    tokenizer, generation = loaded.tokenizer, loaded.model.generation_config
    end_of_turn = tokenizer.convert_tokens_to_ids(PROMPTS[family][1])
    prompt = tokenizer.apply_chat_template([{"role": "user", "content": "Halo"}], add_generation_prompt=True, tokenize=False)

    assert end_of_turn in generation.eos_token_id
    assert tokenizer.pad_token_id is not None and generation.pad_token_id == tokenizer.pad_token_id
    # each marker is one token, never split into bytes, and gone from decoded text
    markers = [token for token in tokenizer.all_special_tokens if token in prompt]
    assert markers, prompt
    for marker in [*markers, PROMPTS[family][1]]:
        assert len(tokenizer(marker, add_special_tokens=False)["input_ids"]) == 1, marker
    ids = tokenizer(prompt + "Kanker" + PROMPTS[family][1], add_special_tokens=False)["input_ids"]
    assert ids[-1] == end_of_turn
    decoded = tokenizer.decode(ids, skip_special_tokens=True)
    assert "Halo" in decoded and decoded.endswith("Kanker")
    assert not any(marker in decoded for marker in [*markers, PROMPTS[family][1]]), decoded


@pytest.mark.parametrize("family", CHAT_FAMILIES)
def test_greedy_generation_on_a_left_padded_batch_writes_words_of_the_corpus(chat_folders: dict[str, Path], family: str):
    import torch

    loaded = load_model(str(chat_folders[family]), kind="causal")
    tokenizer, model = loaded.tokenizer, loaded.model
    prompts = [
        tokenizer.apply_chat_template([{"role": "user", "content": content}], add_generation_prompt=True, tokenize=False)
        for content in ("Halo", "Kanker adalah tantangan kesehatan global bagi seluruh dunia")
    ]
    batch = tokenizer(prompts, add_special_tokens=False, padding=True, padding_side="left", return_tensors="pt")
    assert batch["attention_mask"][0, 0] == 0 and batch["attention_mask"][0, -1] == 1  # the short prompt is left-padded

    with torch.inference_mode():
        output = model.generate(**batch, max_new_tokens=4, do_sample=False, num_beams=1)
    answers = [tokenizer.decode(row, skip_special_tokens=True) for row in output[:, batch["input_ids"].shape[1]:]]

    for answer in answers:
        words = re.findall(r"[^\W_]+", answer)
        assert words, answers
        assert set(words) <= CORPUS_WORDS, answers
        assert re.fullmatch(r"( [^\W_]+|[.,])+", answer), answers  # whole words, commas and full stops only
    # padding on the left leaves the short prompt's answer what it is alone
    alone = tokenizer(prompts[:1], add_special_tokens=False, return_tensors="pt")
    with torch.inference_mode():
        single = model.generate(**alone, max_new_tokens=4, do_sample=False, num_beams=1)
    assert tokenizer.decode(single[0, alone["input_ids"].shape[1]:], skip_special_tokens=True) == answers[0]


def test_qwen3_without_thinking_opens_the_answer_with_an_empty_think_block(chat_folders: dict[str, Path]):
    tokenizer = load_model(str(chat_folders["qwen3"]), kind="causal").tokenizer
    messages = [{"role": "user", "content": "Halo"}]

    text = tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False, enable_thinking=False)

    assert text == "<|im_start|>user\nHalo<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n"
    assert len(tokenizer("<think>", add_special_tokens=False)["input_ids"]) == 1


@pytest.mark.parametrize(("family", "expected"), [
    ("qwen2", "<|im_start|>system\nRingkas.<|im_end|>\n<|im_start|>user\nHalo<|im_end|>\n<|im_start|>assistant\n"),
    ("hunyuan_v1_dense", "<｜hy_begin▁of▁sentence｜>Ringkas.<｜hy_place▁holder▁no▁3｜><｜hy_User｜>Halo<｜hy_Assistant｜>"),
    ("gemma3_text", "<bos><start_of_turn>user\nRingkas.\n\nHalo<end_of_turn>\n<start_of_turn>model\n"),
    ("mistral", "<s>[INST] Ringkas.\n\nHalo [/INST]"),
])
def test_a_system_message_goes_where_the_family_puts_it(chat_folders: dict[str, Path], family: str, expected: str):
    tokenizer = load_model(str(chat_folders[family]), kind="causal").tokenizer
    messages = [{"role": "system", "content": "Ringkas."}, {"role": "user", "content": "Halo"}]

    assert tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False) == expected


def test_an_unknown_family_is_refused(tmp_path: Path):
    with pytest.raises(ValueError, match="no tiny chat model of family 'llama'"):
        build_tiny_chat(tmp_path / "llama", "llama")
    assert not (tmp_path / "llama").exists()


@pytest.mark.parametrize(("size", "hidden", "intermediate", "heads", "kv_heads", "vocab", "eos", "parameters"), [
    ("1.8b", 2048, 6144, 16, 4, 120818, 120020, (1.7e9, 1.9e9)),
    ("7b", 4096, 14336, 32, 8, 128167, 127960, (7.0e9, 8.0e9)),
])
def test_the_hy_mt2_shape_config_has_the_real_models_shape(size, hidden, intermediate, heads, kv_heads, vocab, eos, parameters):
    import torch
    from transformers import HunYuanDenseV1ForCausalLM

    config = build_hy_mt2_shape_config(size)

    assert (config.hidden_size, config.intermediate_size, config.num_hidden_layers) == (hidden, intermediate, 32)
    assert (config.num_attention_heads, config.num_key_value_heads, config.head_dim) == (heads, kv_heads, 128)
    assert (config.vocab_size, config.eos_token_id, config.max_position_embeddings) == (vocab, eos, 262144)
    assert config.tie_word_embeddings and config.use_qk_norm and config.rope_parameters["alpha"] == 1000.0
    with torch.device("meta"):  # the shape without the memory
        model = HunYuanDenseV1ForCausalLM(config)
    assert parameters[0] < sum(parameter.numel() for parameter in model.parameters()) < parameters[1]


def test_an_unknown_hy_mt2_size_is_refused():
    with pytest.raises(ValueError, match="1.8b or 7b"):
        build_hy_mt2_shape_config("30b")
