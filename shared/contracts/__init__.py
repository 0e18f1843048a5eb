"""Event contracts: topics, event types and their payload models."""

from shared.contracts.registry import (
    EVENT_TYPES,
    TOPICS,
    EventContract,
    TopicSpec,
    contract_for,
    dlq_topic,
)

__all__ = ["EVENT_TYPES", "TOPICS", "EventContract", "TopicSpec", "contract_for", "dlq_topic"]
