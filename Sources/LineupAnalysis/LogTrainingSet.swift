import Foundation
import LineupModels
import LineupTraining

/// Training and validation rows read from the impression log: each logged response is a
/// query group, each shown widget a row with the feature vector it was served with and the
/// label its events earned.
public struct LogTrainingSet: Sendable {
    public var train: TrainingData
    public var validation: TrainingData?
    public var window: ModelCard.DataWindow
}
