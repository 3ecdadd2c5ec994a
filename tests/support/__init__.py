"""What tests share: stand-ins and builders of test inputs, imported from here rather than across test modules."""
